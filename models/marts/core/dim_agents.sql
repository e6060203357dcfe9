with

agents as (

    select * from {{ ref('int_agents_unioned') }}

),

final as (

    select
        -- ids
        agent_id,
        site_id,

        -- attributes
        coalesce(agent_name, agent_id) as agent_name,
        team,
        role,
        time_zone,

        -- dates
        hire_date,
        leave_date,

        -- timestamps
        first_event_at as first_seen_at,
        last_event_at as last_seen_at,

        -- flags
        is_in_roster,
        is_in_events,
        case
            when roster_site_id is null or roster_site_id <> site_id then true
            else false
        end as is_default_site

    from agents

)

select * from final
