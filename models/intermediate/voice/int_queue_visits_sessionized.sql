/*
    One row per call per queue visit: when it entered, whether and when an agent answered,
    how it ended, and its waits and durations, from queue_log alone.

    Rules (DECISIONS.md D5-D7, D10):
    - Events: int_queue_events_assigned_to_visits. The visit's ENTERQUEUE, its first
      CONNECT, and its first terminal event (COMPLETECALLER, COMPLETEAGENT, ABANDON,
      EXITEMPTY, EXITWITHTIMEOUT, EXITWITHKEY, TRANSFER, BLINDTRANSFER,
      ATTENDEDTRANSFER) define it; RINGNOANSWER / RINGCANCELED are counted; HOLD / UNHOLD
      give hold time; any other event is only counted (`unknown_event_count`).
    - Answered: a CONNECT, or (CONNECT line missing) a COMPLETE* / TRANSFER* terminal, in
      which case the answer time is the terminal time minus its calltime parameter.
      An answered call stays `answered` while it is still connected (no terminal yet):
      the queue outcome is decided at CONNECT; its talk, hold and end are NULL until then.
    - Unanswered: outcome `abandoned` when the terminal event is one of
      var('abandon_exit_events') (abandon_reason caller_hangup / timeout / exit_key /
      queue_empty for ABANDON / EXITWITHTIMEOUT / EXITWITHKEY / EXITEMPTY), `flowed_out`
      for any other terminal, `in_progress` when there is none (still waiting).
    - Wait: answer time - ENTERQUEUE time for answered calls, terminal time - ENTERQUEUE
      time for the others, from event timestamps. Only when the visit has no ENTERQUEUE
      (the call entered before the file began: visit 0) the PBX's own parameter is used
      (CONNECT holdtime, else the terminal's holdtime / waittime; PBXware htime), and the
      entry time is derived from it. Visits 0 with neither a CONNECT nor a terminal
      event cannot be placed and are not kept (their events stay in staging).
    - Talk = connected time (answer -> terminal) - hold. Hold = the sum of HOLD -> next
      UNHOLD spans between answer and terminal (a HOLD never released ends at the
      terminal; a repeated HOLD does not start a second span); 0 without HOLD events.
    - Rings: ring_no_answer_count = RINGNOANSWER events; ring_attempts = RINGNOANSWER +
      RINGCANCELED + the connecting attempt; ring_seconds = the CONNECT's ringtime.
    - end_reason (answered calls): caller (COMPLETECALLER), agent (COMPLETEAGENT),
      transfer (TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER); transfer_type blind for
      TRANSFER / BLINDTRANSFER, attended for ATTENDEDTRANSFER.
    - queue_visit_number: 1, 2, ... over all visits of the call in order of queue entry.
    - Incremental by call day (DECISIONS.md D131): all events of a call share its
      `call_day`, so a run rebuilds the call days whose events changed, whole.
*/

{{ config(**incremental_by_day_config('call_day')) }}

{%- set call_days = incremental_days(
    [{'relation': ref('int_queue_events_assigned_to_visits'), 'day': 'call_day'}]
) %}

with

visit_events as (

    select * from {{ ref('int_queue_events_assigned_to_visits') }}
    where {{ incremental_day_filter('call_day', call_days) }}

),

summarized as (

    select
        queue_visit_id,
        call_id,
        queue_id,
        queue_entry_number,
        call_day,
        count(*) as event_count,
        {{ count_where("event_type = 'RINGNOANSWER'") }} as ring_no_answer_count,
        {{ count_where("event_type = 'RINGCANCELED'") }} as ring_canceled_count,
        {{ count_where("not is_known_event") }} as unknown_event_count,
        min(event_epoch) as first_event_epoch,
        max(event_epoch) as last_event_epoch
    from visit_events
    group by queue_visit_id, call_id, queue_id, queue_entry_number, call_day

),

entries as (

    select
        queue_visit_id,
        event_epoch as entered_epoch,
        customer_id
    from visit_events
    where event_type = 'ENTERQUEUE'

),

connects_ranked as (

    select
        queue_visit_id,
        event_epoch,
        agent_id,
        reported_wait_seconds,
        reported_ring_seconds,
        row_number() over (partition by queue_visit_id order by call_event_sequence) as connect_rank
    from visit_events
    where event_type = 'CONNECT'

),

connects as (

    select * from connects_ranked where connect_rank = 1

),

terminals_ranked as (

    select
        queue_visit_id,
        event_epoch,
        event_type,
        agent_id,
        reported_wait_seconds,
        reported_talk_seconds,
        row_number() over (partition by queue_visit_id order by call_event_sequence) as terminal_rank
    from visit_events
    where is_terminal_event

),

terminals as (

    select * from terminals_ranked where terminal_rank = 1

),

joined as (

    select
        summarized.*,
        entries.entered_epoch,
        entries.customer_id,
        connects.event_epoch as connect_epoch,
        connects.agent_id as connect_agent_id,
        connects.reported_wait_seconds as connect_reported_wait_seconds,
        connects.reported_ring_seconds,
        terminals.event_epoch as terminal_epoch,
        terminals.event_type as terminal_event_type,
        terminals.agent_id as terminal_agent_id,
        terminals.reported_wait_seconds as terminal_reported_wait_seconds,
        terminals.reported_talk_seconds as terminal_reported_talk_seconds,
        (
            connects.event_epoch is not null
            or coalesce(
                terminals.event_type in {{ voice_sql_list(asterisk_answered_terminal_events()) }},
                false
            )
        ) as is_answered
    from summarized
    left join entries
        on summarized.queue_visit_id = entries.queue_visit_id
    left join connects
        on summarized.queue_visit_id = connects.queue_visit_id
    left join terminals
        on summarized.queue_visit_id = terminals.queue_visit_id
    where entries.entered_epoch is not null
        or connects.event_epoch is not null
        or terminals.event_epoch is not null

),

answer_times as (

    select
        *,
        case
            when connect_epoch is not null then connect_epoch
            when is_answered then terminal_epoch - terminal_reported_talk_seconds
        end as answered_epoch
    from joined

),

waits as (

    select
        *,
        case
            when is_answered and entered_epoch is not null
                then answered_epoch - entered_epoch
            when is_answered
                then coalesce(connect_reported_wait_seconds, terminal_reported_wait_seconds)
            when terminal_epoch is not null and entered_epoch is not null
                then terminal_epoch - entered_epoch
            when terminal_epoch is not null
                then terminal_reported_wait_seconds
        end as wait_seconds
    from answer_times

),

entry_times as (

    select
        *,
        coalesce(
            entered_epoch,
            case when is_answered then answered_epoch else terminal_epoch end - wait_seconds,
            first_event_epoch
        ) as queue_entered_epoch
    from waits

),

hold_events as (

    select
        queue_visit_id,
        event_type,
        event_epoch,
        lag(event_type) over (
            partition by queue_visit_id order by call_event_sequence
        ) as previous_hold_event_type,
        min(case when event_type = 'UNHOLD' then event_epoch end) over (
            partition by queue_visit_id
            order by call_event_sequence
            rows between 1 following and unbounded following
        ) as next_unhold_epoch
    from visit_events
    where event_type in ('HOLD', 'UNHOLD')

),

hold_spans as (

    select
        hold_events.queue_visit_id,
        greatest(hold_events.event_epoch, entry_times.answered_epoch) as hold_started_epoch,
        least(
            coalesce(hold_events.next_unhold_epoch, entry_times.terminal_epoch),
            entry_times.terminal_epoch
        ) as hold_ended_epoch
    from hold_events
    inner join entry_times
        on hold_events.queue_visit_id = entry_times.queue_visit_id
    where hold_events.event_type = 'HOLD'
        and (
            hold_events.previous_hold_event_type is null
            or hold_events.previous_hold_event_type = 'UNHOLD'
        )
        and entry_times.is_answered
        and entry_times.terminal_epoch is not null
        and hold_events.event_epoch < entry_times.terminal_epoch

),

holds as (

    select
        queue_visit_id,
        count(*) as hold_count,
        sum(greatest(hold_ended_epoch - hold_started_epoch, 0)) as hold_seconds
    from hold_spans
    group by queue_visit_id

),

classified as (

    select
        entry_times.*,
        coalesce(holds.hold_count, 0) as hold_count,
        case
            when entry_times.is_answered and entry_times.terminal_epoch is not null
                then coalesce(holds.hold_seconds, 0)
        end as hold_seconds,
        case
            when entry_times.is_answered and entry_times.terminal_epoch is not null
                then entry_times.terminal_epoch - entry_times.answered_epoch
        end as connected_seconds,
        case
            when entry_times.is_answered then 'answered'
            when entry_times.terminal_event_type in {{ voice_sql_list(var('abandon_exit_events')) }}
                then 'abandoned'
            when entry_times.terminal_event_type is not null then 'flowed_out'
            else 'in_progress'
        end as outcome
    from entry_times
    left join holds
        on entry_times.queue_visit_id = holds.queue_visit_id

),

final as (

    select
        -- ids
        queue_visit_id,
        call_id,
        queue_id,
        queue_entry_number,
        row_number() over (
            partition by call_id
            order by queue_entered_epoch, queue_id, queue_entry_number
        ) as queue_visit_number,
        case when is_answered then coalesce(connect_agent_id, terminal_agent_id) end as agent_id,
        coalesce(
            customer_id,
            max(customer_id) over (partition by call_id)
        ) as customer_id,

        -- timestamps
        {{ voice_epoch_to_timestamp('queue_entered_epoch') }} as queue_entered_at,
        {{ voice_epoch_to_timestamp('answered_epoch') }} as answered_at,
        {{ voice_epoch_to_timestamp('terminal_epoch') }} as ended_at,
        {{ voice_epoch_to_timestamp('first_event_epoch') }} as first_event_at,
        {{ voice_epoch_to_timestamp('last_event_epoch') }} as last_event_at,

        -- measures
        wait_seconds,
        reported_ring_seconds as ring_seconds,
        ring_no_answer_count + ring_canceled_count
            + case when connect_epoch is not null then 1 else 0 end as ring_attempts,
        ring_no_answer_count,
        ring_canceled_count,
        connected_seconds,
        connected_seconds - hold_seconds as talk_seconds,
        hold_seconds,
        hold_count,
        event_count,
        unknown_event_count,

        -- what the PBX itself reported (fallback and agreement checks)
        case
            when is_answered
                then coalesce(connect_reported_wait_seconds, terminal_reported_wait_seconds)
            else terminal_reported_wait_seconds
        end as reported_wait_seconds,
        case when is_answered then terminal_reported_talk_seconds end as reported_talk_seconds,

        -- outcome
        outcome,
        case
            when outcome = 'abandoned' and terminal_event_type = 'ABANDON' then 'caller_hangup'
            when outcome = 'abandoned' and terminal_event_type = 'EXITWITHTIMEOUT' then 'timeout'
            when outcome = 'abandoned' and terminal_event_type = 'EXITWITHKEY' then 'exit_key'
            when outcome = 'abandoned' and terminal_event_type = 'EXITEMPTY' then 'queue_empty'
        end as abandon_reason,
        case
            when not is_answered then null
            when terminal_event_type = 'COMPLETECALLER' then 'caller'
            when terminal_event_type = 'COMPLETEAGENT' then 'agent'
            when terminal_event_type in ('TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER')
                then 'transfer'
        end as end_reason,
        case
            when not is_answered then null
            when terminal_event_type in ('TRANSFER', 'BLINDTRANSFER') then 'blind'
            when terminal_event_type = 'ATTENDEDTRANSFER' then 'attended'
        end as transfer_type,
        terminal_event_type,

        -- flags
        entered_epoch is not null as has_queue_entry_event,
        is_answered,
        outcome = 'abandoned' as is_abandoned,
        is_answered and coalesce(
            terminal_event_type in ('TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER'), false
        ) as is_transferred,

        -- the UTC date of the call's first event (incremental rebuilds)
        call_day

    from classified

)

select * from final
