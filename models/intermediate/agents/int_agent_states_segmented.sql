{#-
    Why: an agent's state is not logged as such; it follows from three overlapping
    timelines: logged-in sessions, pauses (acw or paused, with a reason) and the calls the
    agent is connected to. Every instant of a session gets exactly one state, by priority
    on_contact > acw > paused > available (a call taken during a pause is handling time,
    DECISIONS.md D12), so the states add up to the logged-in time by construction.
    Steps: (1) cut each session at every boundary of any timeline (session, pause and
    call starts and ends, calls clipped to the session) into elementary segments;
    (2) label each segment by what covers it; (3) merge neighbouring segments with the
    same state and reason; (4) split at the reporting interval bounds of the agent's site,
    in local time: each interval's UTC start comes from the interval macros, so the
    repeated local hour of the autumn clock change gives two intervals, not one.
    Calls are the answered queue visits (answered_at .. ended_at); after-call work is the
    acw pause that follows. A call still connected at the end of the data ends with the
    session.
    Incremental by session day (DECISIONS.md D180-D181): every stretch carries `session_day`,
    the UTC date of its session's start; a run rebuilds, whole, the session days whose
    sessions or pauses changed, those of the sessions that overlap a day on which a changed
    call was answered or ended (a session overlapping a call overlaps the day of its answer
    or of its end, for calls shorter than a day) and, for a call still connected at the end
    of the data (clipped into every later session of its agent), of every session that
    ends after the day it was answered (macros/incremental/incremental_by_session_day.sql).
-#}

{{ config(
    meta={'incremental_session_reaches': ['self', 'self', 0, 0, 'after', 'self', 'self']},
    **incremental_by_day_config(
    'session_day',
    pre_hook="{{ delete_incremental_session_days('session_day', ref('int_agent_sessions_sessionized')) }}"
)) }}

{%- set interval_minutes = var('interval_minutes') -%}

{%- set session_days = incremental_session_days(ref('int_agent_sessions_sessionized'), [
    {'relation': ref('int_agent_sessions_sessionized'), 'day': 'cast(session_started_at as date)',
     'columns': ['agent_session_id', 'agent_id', 'session_started_at', 'session_ended_at']},
    {'relation': ref('int_agent_pause_intervals'), 'day': 'session_day',
     'columns': ['agent_session_id', 'state', 'pause_reason', 'pause_started_at', 'pause_ended_at']},
    {'relation': ref('int_queue_visits_sessionized'), 'day': 'cast(answered_at as date)', 'reach': 0,
     'where': 'answered_at is not null and ended_at is not null',
     'columns': ['agent_id', 'answered_at', 'ended_at']},
    {'relation': ref('int_queue_visits_sessionized'), 'day': 'cast(ended_at as date)', 'reach': 0,
     'where': 'answered_at is not null and ended_at is not null',
     'columns': ['agent_id', 'answered_at', 'ended_at']},
    {'relation': ref('int_queue_visits_sessionized'), 'day': 'cast(answered_at as date)', 'reach': 'after',
     'where': 'answered_at is not null and ended_at is null',
     'columns': ['agent_id', 'answered_at']},
    {'relation': ref('int_agent_member_aliases'), 'columns': ['member_name', 'agent_id']},
    {'relation': ref('int_agents_unioned'), 'columns': ['agent_id', 'site_id', 'time_zone']},
]) %}

with

sessions as (

    select * from {{ ref('int_agent_sessions_sessionized') }}
    where {{ incremental_day_filter('session_started_at', session_days, 'timestamp') }}

),

pauses as (

    select * from {{ ref('int_agent_pause_intervals') }}
    where {{ incremental_day_filter('session_day', session_days) }}

),

queue_visits as (

    select * from {{ ref('int_queue_visits_sessionized') }}

),

aliases as (

    select * from {{ ref('int_agent_member_aliases') }}

),

agents as (

    select * from {{ ref('int_agents_unioned') }}

),

calls as (

    -- answered queue visits, clipped to the session of the agent they fall in
    select
        sessions.agent_id,
        sessions.agent_session_id,
        case
            when queue_visits.answered_at > sessions.session_started_at then queue_visits.answered_at
            else sessions.session_started_at
        end as call_started_at,
        case
            when queue_visits.ended_at is null then sessions.session_ended_at
            when queue_visits.ended_at < sessions.session_ended_at then queue_visits.ended_at
            else sessions.session_ended_at
        end as call_ended_at
    from queue_visits
    left join aliases
        on queue_visits.agent_id = aliases.member_name
    inner join sessions
        on coalesce(aliases.agent_id, queue_visits.agent_id) = sessions.agent_id
        and queue_visits.answered_at < sessions.session_ended_at
        and coalesce(queue_visits.ended_at, sessions.session_ended_at) > sessions.session_started_at
    where queue_visits.answered_at is not null

),

boundaries as (

    select agent_session_id, session_started_at as boundary_at from sessions
    union
    select agent_session_id, session_ended_at from sessions
    union
    select agent_session_id, pause_started_at from pauses
    union
    select agent_session_id, pause_ended_at from pauses
    union
    select agent_session_id, call_started_at from calls
    union
    select agent_session_id, call_ended_at from calls

),

elementary_segments as (

    select
        agent_session_id,
        boundary_at as segment_started_at,
        lead(boundary_at) over (
            partition by agent_session_id
            order by boundary_at
        ) as segment_ended_at
    from boundaries

),

segments as (

    select
        sessions.agent_id,
        elementary_segments.agent_session_id,
        cast(sessions.session_started_at as date) as session_day,
        elementary_segments.segment_started_at,
        elementary_segments.segment_ended_at
    from elementary_segments
    inner join sessions
        on elementary_segments.agent_session_id = sessions.agent_session_id
    where elementary_segments.segment_ended_at is not null

),

segments_on_call as (

    select
        segments.agent_session_id,
        segments.segment_started_at,
        count(*) as calls_connected
    from segments
    inner join calls
        on segments.agent_session_id = calls.agent_session_id
        and calls.call_started_at <= segments.segment_started_at
        and calls.call_ended_at >= segments.segment_ended_at
    group by
        segments.agent_session_id,
        segments.segment_started_at

),

labelled as (

    select
        segments.agent_id,
        segments.agent_session_id,
        segments.session_day,
        segments.segment_started_at,
        segments.segment_ended_at,
        case
            when segments_on_call.calls_connected > 0 then 'on_contact'
            when pauses.state = 'acw' then 'acw'
            when pauses.state = 'paused' then 'paused'
            else 'available'
        end as state,
        case
            when segments_on_call.calls_connected > 0 then null
            else pauses.pause_reason
        end as pause_reason
    from segments
    left join segments_on_call
        on segments.agent_session_id = segments_on_call.agent_session_id
        and segments.segment_started_at = segments_on_call.segment_started_at
    -- pauses of one session never overlap (int_agent_pause_intervals), so at most one matches
    left join pauses
        on segments.agent_session_id = pauses.agent_session_id
        and pauses.pause_started_at <= segments.segment_started_at
        and pauses.pause_ended_at >= segments.segment_ended_at

),

state_changes as (

    select
        *,
        case
            when state = lag(state) over (
                    partition by agent_session_id
                    order by segment_started_at
                )
                and coalesce(pause_reason, '') = coalesce(lag(pause_reason) over (
                    partition by agent_session_id
                    order by segment_started_at
                ), '')
                then 0
            else 1
        end as is_new_state
    from labelled

),

state_runs as (

    select
        *,
        sum(is_new_state) over (
            partition by agent_session_id
            order by segment_started_at
            rows between unbounded preceding and current row
        ) as state_run_number
    from state_changes

),

states as (

    -- consecutive segments in the same state (and reason) become one stretch
    select
        agent_id,
        agent_session_id,
        session_day,
        state_run_number,
        state,
        pause_reason,
        min(segment_started_at) as state_started_at,
        max(segment_ended_at) as state_ended_at
    from state_runs
    group by
        agent_id,
        agent_session_id,
        session_day,
        state_run_number,
        state,
        pause_reason

),

states_located as (

    select
        states.*,
        agents.site_id,
        agents.time_zone,
        {{ contact_center.interval_start_at(
            'states.state_started_at',
            contact_center.utc_to_local('states.state_started_at', 'agents.time_zone')
        ) }} as first_interval_start_at
    from states
    inner join agents
        on states.agent_id = agents.agent_id

),

states_spanned as (

    select
        *,
        {{ dbt.datediff('first_interval_start_at', 'state_ended_at', 'second') }} as seconds_spanned
    from states_located

),

interval_offsets as (

    -- the offsets the longest stretch needs, not the whole spine: a range join against
    -- 100,000 numbers is a nested loop on row engines (PostgreSQL)
    select spine.n
    from {{ contact_center.number_spine(5) }} as spine
    where spine.n * {{ interval_minutes * 60 }} < (select max(seconds_spanned) from states_spanned)

),

interval_pieces as (

    -- one row per interval a stretch touches: interval n starts n intervals after the first
    select
        states_spanned.*,
        interval_offsets.n as interval_offset,
        {{ dbt.dateadd('minute', 'interval_offsets.n * ' ~ interval_minutes, 'states_spanned.first_interval_start_at') }} as piece_interval_start_at,
        {{ dbt.dateadd('minute', '(interval_offsets.n + 1) * ' ~ interval_minutes, 'states_spanned.first_interval_start_at') }} as piece_interval_end_at
    from states_spanned
    inner join interval_offsets
        on interval_offsets.n * {{ interval_minutes * 60 }} < states_spanned.seconds_spanned

),

pieces as (

    select
        agent_id,
        agent_session_id,
        session_day,
        site_id,
        time_zone,
        state,
        pause_reason,
        case
            when piece_interval_start_at > state_started_at then piece_interval_start_at
            else state_started_at
        end as state_started_at,
        case
            when piece_interval_end_at < state_ended_at then piece_interval_end_at
            else state_ended_at
        end as state_ended_at
    from interval_pieces

),

pieces_located as (

    select
        *,
        {{ contact_center.utc_to_local('state_started_at', 'time_zone') }} as state_started_local
    from pieces

),

final as (

    select
        -- ids
        {{ contact_center.surrogate_key(['agent_id', 'state_started_at']) }} as agent_state_id,
        agent_id,
        agent_session_id,
        session_day,
        site_id,

        -- state
        state,
        pause_reason,

        -- timestamps
        state_started_at,
        state_ended_at,
        cast(state_started_local as date) as state_date,
        {{ contact_center.interval_start_at('state_started_at', 'state_started_local') }} as interval_start_at,
        {{ contact_center.interval_floor('state_started_local') }} as interval_start_local,

        -- measures
        {{ dbt.datediff('state_started_at', 'state_ended_at', 'second') }} as duration_seconds

    from pieces_located
    where state_ended_at > state_started_at

)

select * from final
