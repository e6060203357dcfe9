{#-
    Time-zone conversions. Timestamps are stored as naive UTC (`*_at`); reporting days and
    intervals are taken in the site's local time. `tz` may be a column or a quoted literal.
    Dispatched because every engine spells this differently (PORTABLE_SQL.md rule 11).
-#}

{% macro utc_to_local(ts, tz) -%}
    {{ return(adapter.dispatch('utc_to_local', 'contact_center')(ts, tz)) }}
{%- endmacro %}

{% macro default__utc_to_local(ts, tz) -%}
    (({{ ts }}) at time zone 'UTC') at time zone ({{ tz }})
{%- endmacro %}

{% macro duckdb__utc_to_local(ts, tz) -%}
    {{ contact_center.duckdb_by_time_zone(tz, "timezone(__zone__, timezone('UTC', " ~ ts ~ "))") }}
{%- endmacro %}

{% macro spark__utc_to_local(ts, tz) -%}
    from_utc_timestamp({{ ts }}, {{ tz }})
{%- endmacro %}


{% macro local_to_utc(ts, tz) -%}
    {{ return(adapter.dispatch('local_to_utc', 'contact_center')(ts, tz)) }}
{%- endmacro %}

{% macro default__local_to_utc(ts, tz) -%}
    (({{ ts }}) at time zone ({{ tz }})) at time zone 'UTC'
{%- endmacro %}

{% macro duckdb__local_to_utc(ts, tz) -%}
    {{ contact_center.duckdb_by_time_zone(tz, "timezone('UTC', timezone(__zone__, " ~ ts ~ "))") }}
{%- endmacro %}

{#-
    DuckDB converts about 3.5 times faster with a constant zone than with a zone read from a
    column (it looks the zone up again for every row), and most conversions read the zone
    from the sites seed: `expression` (the zone written as __zone__) gets one branch per zone of
    var('fast_time_zones') with that zone as a constant, and the zone from the column in
    any other case. The result is the same either way (DECISIONS.md D210).
-#}
{% macro duckdb_by_time_zone(tz, expression) -%}
    {%- set zones = var('fast_time_zones', []) -%}
    {%- if zones and not (tz | trim).startswith("'") -%}
    case {{ tz }}
        {%- for zone in zones %}
        when '{{ zone }}' then {{ expression | replace('__zone__', "'" ~ zone ~ "'") }}
        {%- endfor %}
        else {{ expression | replace('__zone__', tz) }}
    end
    {%- else -%}
    {{ expression | replace('__zone__', tz) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__local_to_utc(ts, tz) -%}
    to_utc_timestamp({{ ts }}, {{ tz }})
{%- endmacro %}


{#-
    The UTC reading of a local time `local_ts` (already converted as `read_utc` by
    local_to_utc), corrected in the repeated autumn hour by a UTC hint (`hint_epoch`, epoch
    seconds, e.g. the Asterisk uniqueid's epoch): there a local time has two UTC readings an
    hour apart, engines pick different ones (DuckDB and PostgreSQL the second, Spark the first,
    DECISIONS.md D43), and the hint decides. The reading moves by an hour only when the hint is
    30 to 90 minutes away from it AND the moved reading shows the same local time (so only
    inside the repeated hour); otherwise, and without a hint, it is `read_utc`. Only engine-
    neutral macros, so no dispatch.
-#}
{% macro repeated_hour_resolved(read_utc, local_ts, tz, hint_epoch) -%}
    {%- set gap = '((' ~ hint_epoch ~ ') - (' ~ contact_center.epoch_seconds(read_utc) ~ '))' -%}
    {%- set later = dbt.dateadd('hour', 1, read_utc) -%}
    {%- set earlier = dbt.dateadd('hour', -1, read_utc) -%}
    case
        when {{ gap }} between 1800 and 5400
            and {{ contact_center.utc_to_local(later, tz) }} = {{ local_ts }}
            then {{ later }}
        when {{ gap }} between -5400 and -1800
            and {{ contact_center.utc_to_local(earlier, tz) }} = {{ local_ts }}
            then {{ earlier }}
        else {{ read_utc }}
    end
{%- endmacro %}
