/*
    One row per queue per local day that had at least one contact.

    Why: re-aggregated FROM kpi_queue_interval's additive columns (counts, second totals,
    denominators of the averages), then every ratio recomputed from the day's sums by the
    same macros (macros/voice/queue_kpis.sql): a day's service level is the day's
    answered-within-threshold over the day's denominator, never an average of its
    intervals' service levels. The longest wait is the largest interval maximum; the
    target is the one in force that day (the same for all its intervals).
    Incremental by local day (DECISIONS.md D132): the days whose intervals changed.
*/

{{ config(**incremental_by_day_config('date_local')) }}

{%- set days = incremental_days([{'relation': ref('kpi_queue_interval'), 'day': 'date_local'}]) %}

with

intervals as (

    select * from {{ ref('kpi_queue_interval') }}
    where {{ incremental_day_filter('date_local', days) }}

),

aggregated as (

    select
        queue_id,
        site_id,
        date_local,

        -- counts and second totals
        {%- for column in voice_queue_kpi_count_columns() + voice_queue_kpi_second_columns() %}
        sum({{ column }}) as {{ column }},
        {%- endfor %}
        max(max_wait_seconds) as max_wait_seconds,

        -- denominators of the averages
        {%- for name in voice_queue_kpi_averages().keys() %}
        sum({{ name }}_denominator) as {{ name }}_denominator,
        {%- endfor %}

        max(service_level_target) as service_level_target

    from intervals
    group by
        queue_id,
        site_id,
        date_local

),

final as (

    select
        -- keys
        queue_id,
        site_id,
        date_local,

        -- counts
        {%- for column in voice_queue_kpi_count_columns() %}
        cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}

        -- second totals (and the longest wait)
        {%- for column in voice_queue_kpi_published_second_columns() %}
        cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}

        -- ratios and averages, each with its numerator and denominator
        {{ voice_queue_kpi_ratio_columns() }},

        -- target
        cast(service_level_target as numeric(28, 6)) as service_level_target

    from aggregated

)

select * from final
