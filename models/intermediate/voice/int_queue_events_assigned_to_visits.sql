/*
    One row per queue_log event of a caller's queue visit, with the visit it belongs to.

    Why: queue_log has no visit id. A call (callid) can enter several queues (transfer,
    overflow) and the same queue more than once (re-entry after a timeout), so the callid
    alone does not identify a visit. Rules:
    - a visit starts at each ENTERQUEUE of a callid in a queue;
    - every other event of that callid and queue belongs to the latest ENTERQUEUE at or
      before it, in event order: event time, then the position in the landing file, so
      that a re-entry logged in the same second as the previous exit starts a new visit
      only from its own line on;
    - events before the first ENTERQUEUE of a callid in a queue (the call entered before
      the file began) form visit number 0 of that queue: the sessionizing model keeps it
      only when it has a CONNECT or a terminal event;
    - agent-session and system events (ADDMEMBER, PAUSE, QUEUESTART ...; PBXware writes
      ADDMEMBER with the agent session's callid) and join failures (FULL, JOINEMPTY,
      JOINUNAVAIL, see int_calls_lost_before_queue) are not visit events; events without
      a callid or a queue cannot belong to a visit. Unknown and vendor events of a caller
      in a queue are kept here and counted, and never start or end a visit.
    - Incremental by day (macros/incremental/incremental_by_day.sql, DECISIONS.md D131):
      every event carries its call's `call_day`, the UTC date of the call's first event.
      A run rebuilds the call days whose events changed (an event of day D belongs to a call
      of day D or D - 1: calls last less than a day) and reads the events of those days and
      of the day before and after, so each rebuilt call sees all its events.
*/

{{ config(
    meta={'incremental_day_offsets': [-1, 0]},
    **incremental_by_day_config('call_day')
) }}

{%- set call_days = incremental_days(
    [{'relation': ref('stg_asterisk__queue_log_events'), 'day': 'cast(event_at as date)'}],
    offsets=[-1, 0]
) %}

with

queue_log_events as (

    select * from {{ ref('stg_asterisk__queue_log_events') }}
    where {{ incremental_day_filter('event_at', incremental_widen_days(call_days, [-1, 0, 1]), 'timestamp') }}

),

visit_events as (

    select *
    from queue_log_events
    where call_id is not null
        and queue_id is not null
        and event_type not in {{ voice_sql_list(asterisk_agent_and_system_events() + asterisk_join_failure_events()) }}

),

numbered as (

    select
        *,
        sum(case when event_type = 'ENTERQUEUE' then 1 else 0 end) over (
            partition by call_id, queue_id
            order by event_epoch, _file_name, _row_number
            rows between unbounded preceding and current row
        ) as queue_entry_number,
        row_number() over (
            partition by call_id
            order by event_epoch, _file_name, _row_number
        ) as call_event_sequence,
        cast(min(event_at) over (partition by call_id) as date) as call_day
    from visit_events

),

final as (

    select
        -- ids
        event_id,
        {{ surrogate_key(['call_id', 'queue_id', 'queue_entry_number']) }} as queue_visit_id,
        call_id,
        queue_id,
        queue_entry_number,
        call_event_sequence,
        agent_id,
        customer_id,

        -- event
        event_type,
        is_known_event,
        event_type in {{ voice_sql_list(asterisk_terminal_events()) }} as is_terminal_event,

        -- timestamps
        event_epoch,
        event_at,

        -- typed parameters
        reported_wait_seconds,
        reported_talk_seconds,
        reported_ring_seconds,
        ring_milliseconds,
        exit_key,

        -- PBXware extras (for the agreement checks)
        pbx_htime,
        pbx_ttime,

        -- lineage
        _file_name,
        _row_number,

        -- the UTC date of the call's first event: the unit of incremental rebuilds
        call_day

    from numbered
    where {{ incremental_day_filter('call_day', call_days) }}

)

select * from final
