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
    timezone({{ tz }}, timezone('UTC', {{ ts }}))
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
    timezone('UTC', timezone({{ tz }}, {{ ts }}))
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
