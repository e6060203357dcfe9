/*
    One row per month (its first day) and campaign.

    Why: re-aggregated from kpi_sales_daily's additive columns, then every ratio
    recomputed from the month's sums by the same macro; the medians of speed to lead are
    recomputed from the month's leads (a median of daily medians is not the month's).
*/

with

daily as (

    select * from {{ ref('kpi_sales_daily') }}

),

aggregated as (

    select
        cast({{ dbt.date_trunc('month', 'kpi_date') }} as date) as month_start_date,
        campaign,
        {{ kpi_measure_sums('sales') }}
    from daily
    group by cast({{ dbt.date_trunc('month', 'kpi_date') }} as date), campaign

),

medians as (

    select
        cast({{ dbt.date_trunc('month', 'submitted_date') }} as date) as month_start_date,
        campaign,
        -- medians of whole seconds, then minutes: the same on every engine
        percentile_cont(0.5) within group (order by seconds_to_first_call) / 60.0
            as speed_to_lead_median_minutes,
        percentile_cont(0.5) within group (order by business_seconds_to_first_call) / 60.0
            as speed_to_lead_median_business_minutes
    from {{ ref('fct_leads') }}
    where is_called
    group by cast({{ dbt.date_trunc('month', 'submitted_date') }} as date), campaign

),

final as (

    select
        -- keys
        aggregated.month_start_date,
        aggregated.campaign,

        -- counts, then ratios with their numerators and denominators
        {{ kpi_final_columns('sales') }},

        -- medians (not additive)
        cast(medians.speed_to_lead_median_minutes as numeric(28, 6))
            as speed_to_lead_median_minutes,
        cast(medians.speed_to_lead_median_business_minutes as numeric(28, 6))
            as speed_to_lead_median_business_minutes

    from aggregated
    left join medians
        on aggregated.month_start_date = medians.month_start_date
        and aggregated.campaign = medians.campaign

)

select * from final
