/*
    One row per coaching session, dated on the local day it started (the agent's site, else
    var('default_site_id')).
*/

with

sessions as (

    select * from {{ ref('stg_quality__coaching_sessions') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

sites as (

    select * from {{ ref('sites') }}

),

final as (

    select
        -- ids
        sessions.coaching_session_id,
        sessions.agent_id,
        agents.team,
        coalesce(agents.site_id, '{{ var("default_site_id") }}') as site_id,
        sessions.coach_id,
        sessions.evaluation_id,

        -- timestamps
        sessions.started_at,
        cast({{ utc_to_local('sessions.started_at', 'sites.time_zone') }} as date)
            as session_date,

        -- measures
        sessions.duration_seconds,

        -- attributes
        sessions.topic,
        sessions.coaching_trigger

    from sessions
    left join agents
        on sessions.agent_id = agents.agent_id
    left join sites
        on coalesce(agents.site_id, '{{ var("default_site_id") }}') = sites.site_id

)

select * from final
