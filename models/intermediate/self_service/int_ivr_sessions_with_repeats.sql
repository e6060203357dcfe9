/*
    One row per IVR session with its local day and whether the caller came back.

    Why: KPIS.md counts a session as contained only when it ended in the IVR with no agent
    AND the same customer made no other contact within N hours
    (var('self_service_repeat_window_hours'), default 24; DECISIONS.md D103). "Another
    contact" is a later IVR session of the same caller number, or any contact in
    fct_contacts (voice or digital, any queue) whose phone hash is the caller's, that
    starts after the session started and at most N hours after it ended. A withheld number
    cannot be followed: its contained session counts as contained without a repeat.
*/

with

sessions as (

    select * from {{ ref('stg_ivr__sessions') }}

),

contacts as (

    select
        customer_phone_hash as customer_id,
        call_id,
        arrived_at as contact_at
    from {{ ref('fct_contacts') }}
    where customer_phone_hash is not null

),

sites as (

    select * from {{ ref('sites') }}
    where site_id = '{{ var("default_site_id") }}'

),

later_contacts as (

    -- later IVR sessions of the same caller within the window (a transferred session's own
    -- PBX call is the same contact, not a repeat). The window's end is a join condition,
    -- not a filter after the join: a caller's pairs of sessions would otherwise grow with
    -- the square of a year's history (DECISIONS.md D216)
    select
        earlier.session_id,
        later.started_at as contact_at
    from sessions as earlier
    inner join sessions as later
        on earlier.customer_id = later.customer_id
        and later.started_at > earlier.started_at
        and later.started_at <= {{ dbt.dateadd(
            'hour', var('self_service_repeat_window_hours'), 'earlier.ended_at'
        ) }}
        and later.session_id <> earlier.session_id
    where earlier.is_contained

    union all

    select
        sessions.session_id,
        contacts.contact_at
    from sessions
    inner join contacts
        on sessions.customer_id = contacts.customer_id
        and contacts.contact_at > sessions.started_at
        and contacts.contact_at <= {{ dbt.dateadd(
            'hour', var('self_service_repeat_window_hours'), 'sessions.ended_at'
        ) }}
    where sessions.is_contained

),

repeats as (

    select
        session_id,
        count(*) as repeat_contacts
    from later_contacts
    group by session_id

),

final as (

    select
        -- ids
        sessions.session_id,
        sessions.call_id,
        sessions.customer_id,
        sessions.entry_point,
        sessions.queue_id,
        '{{ var("default_site_id") }}' as site_id,

        -- timestamps
        sessions.started_at,
        sessions.ended_at,
        cast({{ utc_to_local('sessions.started_at', 'sites.time_zone') }} as date)
            as session_date,

        -- path
        sessions.node_path,
        sessions.nodes_visited,
        sessions.exit_node,
        sessions.intent,
        sessions.ivr_seconds,

        -- outcome
        sessions.outcome,
        sessions.end_reason,
        sessions.is_contained,
        sessions.is_transferred,
        sessions.is_task_completed,
        case when repeats.session_id is not null then true else false end as has_repeat_contact,
        case
            when sessions.is_contained and repeats.session_id is null then true
            else false
        end as is_contained_without_repeat

    from sessions
    cross join sites
    left join repeats
        on sessions.session_id = repeats.session_id

)

select * from final
