/*
    One row per local day and campaign with leads or closed opportunities.

    Why: leads count on the day they were submitted, opportunities on the day they closed
    (won or lost), so a day's conversion and win rates describe that day's leads and
    closings; measures and ratios from macros/kpi/outcome_kpis.sql. Medians of speed to
    lead are not additive: they are computed here from the leads of the day and campaign
    and cannot be re-aggregated (a month's median is computed from its leads).
*/

with

measure_rows as (

    select
        submitted_date as kpi_date,
        campaign,
        {{ kpi_measure_rows('sales', 'leads') }}
    from {{ ref('fct_leads') }}

    union all

    select
        closed_date as kpi_date,
        campaign,
        {{ kpi_measure_rows('sales', 'sales') }}
    from {{ ref('fct_sales') }}
    where is_closed

),

aggregated as (

    select
        kpi_date,
        campaign,
        {{ kpi_measure_sums('sales') }}
    from measure_rows
    group by kpi_date, campaign

),

medians as (

    select
        submitted_date as kpi_date,
        campaign,
        -- medians of whole seconds, then minutes: the same on every engine
        percentile_cont(0.5) within group (order by seconds_to_first_call) / 60.0
            as speed_to_lead_median_minutes,
        percentile_cont(0.5) within group (order by business_seconds_to_first_call) / 60.0
            as speed_to_lead_median_business_minutes
    from {{ ref('fct_leads') }}
    where is_called
    group by submitted_date, campaign

),

final as (

    select
        -- keys
        aggregated.kpi_date,
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
        on aggregated.kpi_date = medians.kpi_date
        and aggregated.campaign = medians.campaign

)

select * from final
