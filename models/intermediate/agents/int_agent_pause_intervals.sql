{#-
    Why: Asterisk logs pauses per queue membership, not per agent. Pausing an agent in
    all its queues writes one PAUSE line per queue in the same second (or one PAUSEALL),
    and an agent may change the reason while paused (a new PAUSE without an UNPAUSE).
    The agent-level pause is rebuilt as a state machine over the agent's pause events in
    time order: a PAUSE/PAUSEALL starts a pause unless the agent is already paused with
    the same reason (repeated per-queue lines collapse); a PAUSE with another reason ends
    the current pause and starts the next; UNPAUSE/UNPAUSEALL ends it (repeated lines
    are no-ops). Logging off or leaving the last queue ends every pause: a pause ends at
    the end of the logged-in session it started in, which is also where a pause without
    UNPAUSE ends (an open session ends at the agent's last event in the data).
    Pause events outside any logged-in session (an agent paused before it logged in, or
    after) are dropped: there is no logged-in time to take them from. Zero-length pauses
    (PAUSE and UNPAUSE in the same second) are dropped too.
    Incremental by session day (DECISIONS.md D180): every pause carries `session_day`, the
    UTC date of its session's start; a run rebuilds the session days whose sessions changed
    and those of the sessions that overlap a day whose pause events changed, whole
    (macros/incremental/incremental_by_session_day.sql).
-#}

{{ config(
    meta={'incremental_session_reaches': ['self', 0, 'self', 'self']},
    **incremental_by_day_config(
    'session_day',
    pre_hook="{{ delete_incremental_session_days('session_day', ref('int_agent_sessions_sessionized')) }}"
)) }}

{%- set acw_reasons = [] -%}
{%- for reason in var('acw_pause_reasons') -%}
    {%- do acw_reasons.append("'" ~ (reason | lower | trim | replace("'", "''")) ~ "'") -%}
{%- endfor %}

{%- set session_days = incremental_session_days(ref('int_agent_sessions_sessionized'), [
    {'relation': ref('int_agent_sessions_sessionized'), 'day': 'cast(session_started_at as date)',
     'columns': ['agent_session_id', 'agent_id', 'session_started_at', 'session_ended_at']},
    {'relation': ref('stg_asterisk__queue_log_events'), 'day': 'cast(event_at as date)', 'reach': 0,
     'where': "event_type in ('PAUSE', 'PAUSEALL', 'UNPAUSE', 'UNPAUSEALL') and agent_id is not null",
     'columns': ['agent_id', 'event_type', 'event_at', 'pause_reason', 'source_uid', '_file_name', '_row_number']},
    {'relation': ref('int_agent_member_aliases'), 'columns': ['member_name', 'agent_id']},
    {'relation': ref('pause_reasons')},
]) %}

with

events as (

    select * from {{ ref('stg_asterisk__queue_log_events') }}
    where {{ incremental_day_filter(
        'event_at',
        incremental_session_event_days(ref('int_agent_sessions_sessionized'), session_days),
        'timestamp'
    ) }}

),

aliases as (

    select * from {{ ref('int_agent_member_aliases') }}

),

sessions as (

    select * from {{ ref('int_agent_sessions_sessionized') }}
    where {{ incremental_day_filter('session_started_at', session_days, 'timestamp') }}

),

pause_reasons as (

    select * from {{ ref('pause_reasons') }}

),

pause_events as (

    select
        coalesce(aliases.agent_id, events.agent_id) as agent_id,
        events.event_at,
        events.source_uid,
        events._file_name,
        events._row_number,
        case when events.event_type in ('PAUSE', 'PAUSEALL') then 1 else 0 end as is_paused_after,
        case
            when events.event_type in ('PAUSE', 'PAUSEALL')
                then coalesce(nullif(lower(trim(events.pause_reason)), ''), '(none)')
        end as pause_reason
    from events
    left join aliases
        on events.agent_id = aliases.member_name
    where events.event_type in ('PAUSE', 'PAUSEALL', 'UNPAUSE', 'UNPAUSEALL')
        and events.agent_id is not null

),

session_pause_events as (

    select
        sessions.agent_session_id,
        cast(sessions.session_started_at as date) as session_day,
        sessions.session_ended_at,
        pause_events.*
    from pause_events
    inner join sessions
        on pause_events.agent_id = sessions.agent_id
        and pause_events.event_at >= sessions.session_started_at
        and pause_events.event_at < sessions.session_ended_at

),

pause_states as (

    select
        *,
        coalesce(
            lag(is_paused_after) over (
                partition by agent_session_id
                order by event_at, source_uid, _file_name, _row_number
            ),
            0
        ) as was_paused,
        lag(pause_reason) over (
            partition by agent_session_id
            order by event_at, source_uid, _file_name, _row_number
        ) as previous_pause_reason
    from session_pause_events

),

pause_changes as (

    -- events that change the agent's state: pause, unpause, or a new reason
    select
        *,
        lead(event_at) over (
            partition by agent_session_id
            order by event_at, source_uid, _file_name, _row_number
        ) as next_change_at
    from pause_states
    where is_paused_after <> was_paused
        or (is_paused_after = 1 and pause_reason <> previous_pause_reason)

),

pauses as (

    select
        agent_id,
        agent_session_id,
        session_day,
        pause_reason,
        event_at as pause_started_at,
        coalesce(next_change_at, session_ended_at) as pause_ended_at,
        case when next_change_at is null then false else true end as is_ended_by_event
    from pause_changes
    where is_paused_after = 1

),

final as (

    select
        -- ids
        {{ contact_center.surrogate_key(['pauses.agent_id', 'pauses.pause_started_at']) }} as agent_pause_id,
        pauses.agent_id,
        pauses.agent_session_id,
        pauses.session_day,

        -- pause reason and the state it puts the agent in
        pauses.pause_reason,
        case
            {%- if acw_reasons %}
            when pauses.pause_reason in ({{ acw_reasons | join(', ') }}) then 'acw'
            {%- endif %}
            when pause_reasons.state = 'acw' then 'acw'
            else 'paused'
        end as state,
        coalesce(pause_reasons.category, 'unknown') as pause_category,
        coalesce(pause_reasons.is_planned, false) as is_planned,
        case when pause_reasons.pause_reason is null then false else true end as is_known_reason,

        -- timestamps
        pauses.pause_started_at,
        pauses.pause_ended_at,

        -- measures
        {{ dbt.datediff('pauses.pause_started_at', 'pauses.pause_ended_at', 'second') }} as pause_seconds,

        -- flags
        pauses.is_ended_by_event

    from pauses
    left join pause_reasons
        on pauses.pause_reason = pause_reasons.pause_reason
    where pauses.pause_ended_at > pauses.pause_started_at

)

select * from final
