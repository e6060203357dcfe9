/*
    One row per agent, campaign, site and local day: the connected calls the agent took
    (an attempt that did not connect has no agent, so dials and the contact rate are per
    campaign, in kpi_outbound_campaign_daily). The funnel's definitions:
    macros/kpi/outbound_kpis.sql.
*/

with

attempts as (

    select * from {{ ref('fct_dial_attempts') }}
    where is_connected and agent_id is not null

),

aggregated as (

    select
        agent_id,
        team,
        campaign_id,
        site_id,
        attempt_date as kpi_date,
        {{ outbound_funnel_sums(with_dials=false) }}
    from attempts
    group by agent_id, team, campaign_id, site_id, attempt_date

),

final as (

    select
        -- keys
        agent_id,
        team,
        campaign_id,
        site_id,
        kpi_date,

        {{ outbound_funnel_columns(with_dials=false) }}

    from aggregated

)

select * from final
