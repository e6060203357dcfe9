/*
    One row per month (its first day), channel and queue.

    Why: re-aggregated from kpi_customer_outcomes_daily's additive columns (counts,
    numerators, denominators), then every ratio recomputed from the month's sums by the
    same macro: a month's FCR is its FCR contacts over its judged contacts, never an
    average of daily rates. Weeks are ISO weeks (Monday).
*/

with

daily as (

    select * from {{ ref('kpi_customer_outcomes_daily') }}

),

aggregated as (

    select
        cast({{ dbt.date_trunc('month', 'kpi_date') }} as date) as month_start_date,
        channel,
        queue_id,
        {{ kpi_measure_sums('customer_outcomes') }}
    from daily
    group by cast({{ dbt.date_trunc('month', 'kpi_date') }} as date), channel, queue_id

),

final as (

    select
        -- keys
        month_start_date,
        channel,
        queue_id,

        -- counts, then ratios with their numerators and denominators
        {{ kpi_final_columns('customer_outcomes') }}

    from aggregated

)

select * from final
