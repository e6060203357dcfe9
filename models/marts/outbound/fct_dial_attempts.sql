/*
    One row per outbound dial attempt, with the local day (the agent's site, else
    var('default_site_id')) and the agent's handle time. Connected, right-party contact
    (RPC) and sale are nested: every sale is an RPC, every RPC a connected call
    (DECISIONS.md D104).
*/

with

attempts as (

    select * from {{ ref('stg_outbound__dial_attempts') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

sites as (

    select * from {{ ref('sites') }}

),

located as (

    select
        attempts.*,
        coalesce(agents.site_id, '{{ var("default_site_id") }}') as site_id,
        agents.team
    from attempts
    left join agents
        on attempts.agent_id = agents.agent_id

),

final as (

    select
        -- ids
        located.attempt_id,
        located.campaign_id,
        located.list_id,
        located.lead_id,
        located.customer_id,
        located.agent_id,
        located.team,
        located.site_id,
        located.attempt_number,

        -- timestamps
        located.attempted_at,
        located.answered_at,
        located.ended_at,
        cast({{ utc_to_local('located.attempted_at', 'sites.time_zone') }} as date)
            as attempt_date,

        -- measures
        located.talk_seconds,
        located.wrapup_seconds,
        case
            when located.is_connected
                then coalesce(located.talk_seconds, 0) + coalesce(located.wrapup_seconds, 0)
        end as handle_seconds,
        case when located.is_sale then located.sale_amount end as sale_amount,

        -- outcome
        located.result,
        located.disposition,
        located.is_connected,
        located.is_right_party_contact,
        located.is_sale

    from located
    left join sites
        on located.site_id = sites.site_id

)

select * from final
