/*
    One row per call that reached the PBX but never entered a queue (DECISIONS.md D9).

    Why two sources: the CDR sees calls the PBX could not connect at all, the queue_log sees
    calls the queue refused. Rules:
    - A call has entered a queue when any of its ids (CDR uniqueid or linkedid; queue_log
      callid) has an ENTERQUEUE in queue_log. Such calls are never lost, whatever else
      happened to them (a call refused by one queue and routed into another is offered
      there, not lost).
    - queue_log join failures: FULL, JOINEMPTY, JOINUNAVAIL (the queue refused the caller:
      full, or no agents able to take it) give lost_reason `queue_full`, in that queue.
      A call refused several times counts once, at its first refusal.
    - CDR: the rows of one call share a linkedid (else their uniqueid). A call with no
      ANSWERED row is lost by its first row (by start, sequence):
      - disposition BUSY / CONGESTION / FAILED (the trunk or the PBX could not take it):
        busy / congestion / failed;
      - NO ANSWER with a queue status FULL / JOINEMPTY / JOINUNAVAIL stored by the
        dialplan (stg_asterisk__cdrs.queue_status; app_queue.c writes no queue_log line
        when Queue() cannot join): queue_full;
      - NO ANSWER on a call that dialled a queue extension (the caller hung up in the
        welcome message before joining): no_answer.
      NO ANSWER calls that dialled no queue are calls to extensions, not contact-center
      demand, and are not counted. The queue is the one whose extension the call dialled
      (stg_asterisk__cdrs.destination_queue_id), else NULL (reported as `unassigned`).
      When queue_log already explains a call (a join failure line), the CDR does not
      count it again.
    - Arrival is the CDR start when the call has a CDR, else the refusal time.
*/

with

cdrs as (

    select * from {{ ref('stg_asterisk__cdrs') }}

),

queue_log_events as (

    select * from {{ ref('stg_asterisk__queue_log_events') }}

),

queue_config as (

    select
        queue_id,
        site_id,
        {{ voice_seed_date('valid_from') }} as valid_from,
        {{ voice_seed_date('valid_to') }} as valid_to
    from {{ ref('queue_config') }}

),

queued_call_ids as (

    select distinct call_id
    from queue_log_events
    where event_type = 'ENTERQUEUE'
        and call_id is not null

),

cdr_call_ids as (

    -- every id a CDR call is known by
    select call_key, uniqueid as channel_call_id from cdrs where uniqueid is not null
    union
    select call_key, linkedid as channel_call_id from cdrs where linkedid is not null

),

queued_cdr_calls as (

    select distinct cdr_call_ids.call_key
    from cdr_call_ids
    inner join queued_call_ids
        on cdr_call_ids.channel_call_id = queued_call_ids.call_id

),

join_failures_ranked as (

    select
        queue_log_events.call_id,
        queue_log_events.queue_id,
        queue_log_events.event_at,
        queue_log_events.event_type,
        row_number() over (
            partition by queue_log_events.call_id
            order by
                queue_log_events.event_epoch,
                queue_log_events._file_name,
                queue_log_events._row_number
        ) as failure_rank
    from queue_log_events
    left join queued_call_ids
        on queue_log_events.call_id = queued_call_ids.call_id
    where queue_log_events.event_type in {{ voice_sql_list(asterisk_join_failure_events()) }}
        and queue_log_events.call_id is not null
        and queued_call_ids.call_id is null

),

join_failures as (

    select * from join_failures_ranked where failure_rank = 1

),

join_failure_cdr_calls as (

    select
        cdr_call_ids.call_key,
        join_failures.call_id
    from cdr_call_ids
    inner join join_failures
        on cdr_call_ids.channel_call_id = join_failures.call_id

),

cdr_calls_ranked as (

    select
        cdrs.*,
        row_number() over (
            partition by cdrs.call_key
            order by cdrs.started_at, cdrs.sequence, cdrs.uniqueid, cdrs.cdr_id
        ) as row_rank,
        max(case when cdrs.disposition = 'ANSWERED' then 1 else 0 end) over (
            partition by cdrs.call_key
        ) as has_answered_row,
        min(cdrs.started_at) over (partition by cdrs.call_key) as call_started_at,
        max(cdrs.ended_at) over (partition by cdrs.call_key) as call_ended_at
    from cdrs

),

cdr_calls as (

    select * from cdr_calls_ranked where row_rank = 1

),

lost_in_cdr as (

    select
        cdr_calls.call_key as call_id,
        cdr_calls.destination_queue_id as queue_id,
        cdr_calls.site_id,
        cdr_calls.customer_id,
        cdr_calls.call_started_at as arrived_at,
        cdr_calls.call_ended_at as ended_at,
        case
            when cdr_calls.disposition = 'BUSY' then 'busy'
            when cdr_calls.disposition = 'CONGESTION' then 'congestion'
            when cdr_calls.disposition = 'FAILED' then 'failed'
            when cdr_calls.queue_status in {{ voice_sql_list(asterisk_join_failure_events()) }}
                then 'queue_full'
            else 'no_answer'
        end as lost_reason,
        'cdr' as lost_evidence
    from cdr_calls
    left join queued_cdr_calls
        on cdr_calls.call_key = queued_cdr_calls.call_key
    left join join_failure_cdr_calls
        on cdr_calls.call_key = join_failure_cdr_calls.call_key
    where cdr_calls.has_answered_row = 0
        and (
            cdr_calls.disposition in ('BUSY', 'CONGESTION', 'FAILED')
            or (
                cdr_calls.disposition = 'NO ANSWER'
                and (
                    cdr_calls.queue_status in {{ voice_sql_list(asterisk_join_failure_events()) }}
                    or cdr_calls.destination_queue_id is not null
                )
            )
        )
        and queued_cdr_calls.call_key is null
        and join_failure_cdr_calls.call_key is null

),

join_failure_cdr_details as (

    select
        join_failure_cdr_calls.call_id,
        min(cdr_calls.call_started_at) as call_started_at,
        max(cdr_calls.customer_id) as customer_id
    from join_failure_cdr_calls
    inner join cdr_calls
        on join_failure_cdr_calls.call_key = cdr_calls.call_key
    group by join_failure_cdr_calls.call_id

),

lost_in_queue_log as (

    select
        join_failures.call_id,
        join_failures.queue_id,
        coalesce(queue_config.site_id, '{{ var("default_site_id") }}') as site_id,
        join_failure_cdr_details.customer_id,
        coalesce(join_failure_cdr_details.call_started_at, join_failures.event_at) as arrived_at,
        join_failures.event_at as ended_at,
        'queue_full' as lost_reason,
        'queue_log' as lost_evidence
    from join_failures
    left join join_failure_cdr_details
        on join_failures.call_id = join_failure_cdr_details.call_id
    left join queue_config
        on join_failures.queue_id = queue_config.queue_id
        and {{ config_in_force_on('queue_config', 'cast(join_failures.event_at as date)') }}

),

unioned as (

    select * from lost_in_queue_log
    union all
    select * from lost_in_cdr

),

final as (

    select
        -- ids
        {{ surrogate_key(['call_id']) }} as lost_call_id,
        call_id,
        queue_id,
        site_id,
        customer_id,

        -- timestamps
        arrived_at,
        ended_at,

        -- outcome
        lost_reason,
        lost_evidence

    from unioned

)

select * from final
