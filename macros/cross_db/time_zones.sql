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
