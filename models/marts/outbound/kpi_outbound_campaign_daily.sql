/*
    One row per outbound campaign, site and local day of the attempt (the dialler's view:
    every attempt, connected or not). The funnel's definitions: macros/kpi/outbound_kpis.sql.
*/

with

attempts as (

    select * from {{ ref('fct_dial_attempts') }}

),

aggregated as (

    select
        campaign_id,
        site_id,
        attempt_date as kpi_date,
        {{ outbound_funnel_sums(with_dials=true) }}
    from attempts
    group by campaign_id, site_id, attempt_date

),

final as (

    select
        -- keys
        campaign_id,
        site_id,
        kpi_date,

        {{ outbound_funnel_columns(with_dials=true) }}

    from aggregated

)

select * from final
