{#-
    Reporting intervals. `interval_floor(local_ts)` is the start of the `interval_minutes`
    interval (default 30) that contains a LOCAL timestamp; intervals are left-closed
    [start, start + length). `interval_start_at(utc_ts, local_ts)` is the same boundary in
    UTC, derived by subtracting the same offset from the UTC timestamp: it stays correct on
    the autumn clock change, when one local half hour happens twice (two distinct UTC keys).
-#}

{% macro interval_floor(local_ts, minutes=none) -%}
    {%- set m = minutes or var('interval_minutes', 30) -%}
    {{ dbt.dateadd('minute', '-1 * (cast(extract(minute from ' ~ local_ts ~ ') as integer) % ' ~ m ~ ')', dbt.date_trunc('minute', local_ts)) }}
{%- endmacro %}

{% macro interval_start_at(utc_ts, local_ts, minutes=none) -%}
    {{ dbt.dateadd('second', '-1 * ' ~ dbt.datediff(contact_center.interval_floor(local_ts, minutes), local_ts, 'second'), utc_ts) }}
{%- endmacro %}

{% macro epoch_seconds(ts) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'contact_center')(ts)) }}
{%- endmacro %}

{% macro default__epoch_seconds(ts) -%}
    extract(epoch from {{ ts }})
{%- endmacro %}

{% macro spark__epoch_seconds(ts) -%}
    (unix_micros({{ ts }}) / 1000000.0)
{%- endmacro %}

{#- Wall-clock text 'HH:MM' of a local timestamp (for interval-of-day labels). -#}
{% macro time_of_day_label(ts) -%}
    {{ return(adapter.dispatch('time_of_day_label', 'contact_center')(ts)) }}
{%- endmacro %}

{% macro default__time_of_day_label(ts) -%}
    to_char({{ ts }}, 'HH24:MI')
{%- endmacro %}

{% macro duckdb__time_of_day_label(ts) -%}
    strftime({{ ts }}, '%H:%M')
{%- endmacro %}

{% macro spark__time_of_day_label(ts) -%}
    date_format({{ ts }}, 'HH:mm')
{%- endmacro %}
