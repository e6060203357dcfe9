{#-
    Why: Asterisk has no "session" record. An agent is logged in while it is a member of
    at least one queue, and the queue_log tells that in two grammars that a PBX may mix:
    - per queue: ADDMEMBER / REMOVEMEMBER (dynamic members, one track per queue);
    - per agent: AGENTLOGIN / AGENTLOGOFF (chan_agent) and AGENTCALLBACKLOGIN /
      AGENTCALLBACKLOGOFF (callback agents): one track for the agent as a whole.
    Each track is opened and closed by its own events; repeated openers are no-ops (after a
    QUEUESTART the PBX re-adds its persistent members with ADDMEMBER, and its own
    AGENTCALLBACKLOGOFF logintime shows that the session went on), as are closers of a
    track that is not open. A session is the union of the open periods of all tracks of
    the agent: periods that overlap or touch (logoff and login in the same second) are
    one session, so sessions of an agent never overlap.
    A track still open at the end of the data ends at the agent's last event in the data
    (not at the end of the data: an agent who went home without logging off would
    otherwise look logged in, and available, until the next file); such sessions have
    is_ended_by_logoff = false. A track closed before the data begins (logoff without a
    login) is not reconstructed.
-#}

with

events as (

    select * from {{ ref('stg_asterisk__queue_log_events') }}

),

aliases as (

    select * from {{ ref('int_agent_member_aliases') }}

),

agent_events as (

    -- every event of an agent, under the agent's own id
    select
        coalesce(aliases.agent_id, events.agent_id) as agent_id,
        events.queue_id,
        events.event_type,
        events.event_at,
        events.source_uid,
        events._file_name,
        events._row_number
    from events
    left join aliases
        on events.agent_id = aliases.member_name
    where events.agent_id is not null

),

last_events as (

    select
        agent_id,
        max(event_at) as last_event_at
    from agent_events
    group by agent_id

),

track_events as (

    select
        agent_id,
        case
            when event_type in ('ADDMEMBER', 'REMOVEMEMBER')
                then concat('queue:', coalesce(queue_id, '(none)'))
            else 'agent'
        end as track,
        case
            when event_type in ('ADDMEMBER', 'AGENTLOGIN', 'AGENTCALLBACKLOGIN') then 1
            else 0
        end as is_open_after,
        event_at,
        source_uid,
        _file_name,
        _row_number
    from agent_events
    where event_type in (
        'ADDMEMBER', 'REMOVEMEMBER',
        'AGENTLOGIN', 'AGENTLOGOFF',
        'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF'
    )

),

track_states as (

    select
        *,
        coalesce(
            lag(is_open_after) over (
                partition by agent_id, track
                order by event_at, source_uid, _file_name, _row_number
            ),
            0
        ) as was_open
    from track_events

),

track_changes as (

    -- only the events that open a closed track or close an open one
    select
        *,
        lead(event_at) over (
            partition by agent_id, track
            order by event_at, source_uid, _file_name, _row_number
        ) as next_change_at
    from track_states
    where is_open_after <> was_open

),

track_periods as (

    select
        track_changes.agent_id,
        track_changes.track,
        track_changes.event_at as started_at,
        coalesce(track_changes.next_change_at, last_events.last_event_at) as ended_at,
        case when track_changes.next_change_at is null then 0 else 1 end as is_ended_by_logoff
    from track_changes
    inner join last_events
        on track_changes.agent_id = last_events.agent_id
    where track_changes.is_open_after = 1

),

positive_periods as (

    select * from track_periods
    where ended_at > started_at

),

period_overlaps as (

    -- both windows below must order ties the same way: (start, end, track) is unique
    select
        *,
        max(ended_at) over (
            partition by agent_id
            order by started_at, ended_at, track
            rows between unbounded preceding and 1 preceding
        ) as earlier_max_ended_at
    from positive_periods

),

period_starts as (

    select
        *,
        case
            when earlier_max_ended_at is null or started_at > earlier_max_ended_at then 1
            else 0
        end as is_session_start
    from period_overlaps

),

period_sessions as (

    select
        *,
        sum(is_session_start) over (
            partition by agent_id
            order by started_at, ended_at, track
            rows between unbounded preceding and current row
        ) as session_number
    from period_starts

),

sessions as (

    select
        agent_id,
        session_number,
        min(started_at) as session_started_at,
        max(ended_at) as session_ended_at,
        count(distinct track) as tracks_opened
    from period_sessions
    group by
        agent_id,
        session_number

),

session_ends as (

    -- the session ended by a logoff when the track that ends it last was closed by one
    select
        sessions.agent_id,
        sessions.session_number,
        max(period_sessions.is_ended_by_logoff) as is_ended_by_logoff
    from sessions
    inner join period_sessions
        on sessions.agent_id = period_sessions.agent_id
        and sessions.session_number = period_sessions.session_number
        and sessions.session_ended_at = period_sessions.ended_at
    group by
        sessions.agent_id,
        sessions.session_number

),

final as (

    select
        -- ids
        {{ contact_center.surrogate_key(['sessions.agent_id', 'sessions.session_started_at']) }} as agent_session_id,
        sessions.agent_id,
        cast(sessions.session_number as integer) as session_number,

        -- timestamps
        sessions.session_started_at,
        sessions.session_ended_at,

        -- measures
        {{ dbt.datediff('sessions.session_started_at', 'sessions.session_ended_at', 'second') }} as session_seconds,
        sessions.tracks_opened,

        -- flags
        case when session_ends.is_ended_by_logoff = 1 then true else false end as is_ended_by_logoff

    from sessions
    inner join session_ends
        on sessions.agent_id = session_ends.agent_id
        and sessions.session_number = session_ends.session_number

)

select * from final
