{#-
    Why: the roster is typed by people and the queue_log is written by the PBX, and
    neither is complete: agents answer calls before HR adds them, and rostered agents
    may never log in. Every agent that either source knows gets one row, flagged
    is_in_roster, and one site (hence one time zone) that every agent model uses:
    the roster's site when the sites seed knows it, else var('default_site_id').
-#}

with

roster as (

    select * from {{ ref('stg_roster__agents') }}

),

events as (

    select * from {{ ref('stg_asterisk__queue_log_events') }}

),

aliases as (

    select * from {{ ref('int_agent_member_aliases') }}

),

sites as (

    select * from {{ ref('sites') }}

),

-- contacts of the sources that have no queue_log (Amazon Connect, mapped exports)
other_source_contacts as (

    select * from {{ ref('int_contacts_unioned') }}
    where source_system <> 'asterisk'
        and agent_id is not null

),

agent_times as (

    select
        coalesce(aliases.agent_id, events.agent_id) as agent_id,
        events.event_at
    from events
    left join aliases
        on events.agent_id = aliases.member_name
    where events.agent_id is not null
    union all
    select agent_id, counted_at as event_at from other_source_contacts

),

agents_in_events as (

    select
        agent_id,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at
    from agent_times
    group by agent_id

),

agent_ids as (

    select agent_id from roster
    union
    select agent_id from agents_in_events

),

joined as (

    select
        agent_ids.agent_id,
        roster.agent_name,
        roster.team,
        roster.role,
        roster.site_id as roster_site_id,
        roster.hire_date,
        roster.leave_date,
        agents_in_events.first_event_at,
        agents_in_events.last_event_at,
        case when roster.agent_id is null then false else true end as is_in_roster,
        case when agents_in_events.agent_id is null then false else true end as is_in_events
    from agent_ids
    left join roster
        on agent_ids.agent_id = roster.agent_id
    left join agents_in_events
        on agent_ids.agent_id = agents_in_events.agent_id

),

final as (

    select
        -- ids
        joined.agent_id,
        coalesce(roster_sites.site_id, default_site.site_id) as site_id,
        joined.roster_site_id,

        -- attributes
        joined.agent_name,
        joined.team,
        joined.role,
        coalesce(roster_sites.time_zone, default_site.time_zone) as time_zone,

        -- dates
        joined.hire_date,
        joined.leave_date,

        -- timestamps
        joined.first_event_at,
        joined.last_event_at,

        -- flags
        joined.is_in_roster,
        joined.is_in_events

    from joined
    left join sites as roster_sites
        on joined.roster_site_id = roster_sites.site_id
    left join sites as default_site
        on default_site.site_id = '{{ var("default_site_id") }}'

)

select * from final
