/*
    One row per voice call per queue visit, plus one row per call lost before any queue.

    Why it is built this way:
    - Queue visits come from int_acw_pauses_attributed_to_visits (queue_log sessionized,
      after-call work attached); calls that never reached a queue from
      int_calls_lost_before_queue (queue `unassigned` when the dialled queue is unknown).
    - A contact belongs to the site of its queue (seeds/queue_config.csv, the row in force
      on the UTC date of the anchor time; var('default_site_id') otherwise) and is counted
      on the local day and in the local interval it entered the queue, or arrived for a
      lost call (DECISIONS.md D1-D3). interval_start_at is that interval's start in UTC,
      so the repeated autumn hour stays two intervals.
    - Thresholds T (service level) and S (short abandon) are the queue's row in force on
      the contact's local date (valid_from <= date < valid_to, or valid_to empty), else
      the vars; "within" is inclusive (D7): wait <= T, wait <= S.
    - arrived_at: the call's earliest CDR start when the call has a CDR (any of its ids), but
      never later than its first queue entry; else the first queue entry.
    - handle = talk + hold + acw, known only when all three are (an answered call still
      connected at the end of the data has none yet).
*/

with

visits as (

    select * from {{ ref('int_acw_pauses_attributed_to_visits') }}

),

lost_calls as (

    select * from {{ ref('int_calls_lost_before_queue') }}

),

cdrs as (

    select * from {{ ref('stg_asterisk__cdrs') }}

),

queue_config as (

    select
        queue_id,
        site_id,
        {{ voice_seed_date('valid_from') }} as valid_from,
        {{ voice_seed_date('valid_to') }} as valid_to,
        service_level_threshold_seconds,
        short_abandon_threshold_seconds
    from {{ ref('queue_config') }}

),

sites as (

    select * from {{ ref('sites') }}

),

cdr_channel_starts as (

    select uniqueid as channel_call_id, started_at from cdrs where uniqueid is not null
    union all
    select linkedid as channel_call_id, started_at from cdrs where linkedid is not null

),

cdr_arrivals as (

    select
        channel_call_id as call_id,
        min(started_at) as arrived_at
    from cdr_channel_starts
    group by channel_call_id

),

queue_contacts as (

    select
        -- ids
        {{ surrogate_key(["'queue_visit'", 'visits.queue_visit_id']) }} as contact_id,
        visits.call_id,
        visits.queue_visit_number,
        visits.queue_id,
        visits.resolved_agent_id as agent_id,
        visits.customer_id,

        -- timestamps
        case
            when cdr_arrivals.arrived_at is not null
                and cdr_arrivals.arrived_at
                    < min(visits.queue_entered_at) over (partition by visits.call_id)
                then cdr_arrivals.arrived_at
            else min(visits.queue_entered_at) over (partition by visits.call_id)
        end as arrived_at,
        visits.queue_entered_at,
        visits.answered_at,
        visits.ended_at,
        visits.queue_entered_at as counted_at,

        -- measures
        visits.wait_seconds,
        visits.ring_seconds,
        visits.ring_attempts,
        visits.ring_no_answer_count,
        visits.talk_seconds,
        visits.hold_seconds,
        visits.hold_count,
        visits.acw_seconds,

        -- outcome
        visits.outcome,
        visits.abandon_reason,
        cast(null as {{ dbt.type_string() }}) as lost_reason,
        visits.end_reason,
        visits.transfer_type,

        -- flags
        true as is_offered,
        visits.is_answered,
        visits.is_abandoned,
        visits.is_transferred

    from visits
    left join cdr_arrivals
        on visits.call_id = cdr_arrivals.call_id

),

lost_contacts as (

    select
        -- ids
        {{ surrogate_key(["'lost_before_queue'", 'call_id']) }} as contact_id,
        call_id,
        cast(null as {{ dbt.type_int() }}) as queue_visit_number,
        coalesce(queue_id, 'unassigned') as queue_id,
        cast(null as {{ dbt.type_string() }}) as agent_id,
        customer_id,

        -- timestamps
        arrived_at,
        cast(null as {{ dbt.type_timestamp() }}) as queue_entered_at,
        cast(null as {{ dbt.type_timestamp() }}) as answered_at,
        ended_at,
        arrived_at as counted_at,

        -- measures
        cast(null as {{ dbt.type_bigint() }}) as wait_seconds,
        cast(null as {{ dbt.type_bigint() }}) as ring_seconds,
        0 as ring_attempts,
        0 as ring_no_answer_count,
        cast(null as {{ dbt.type_bigint() }}) as talk_seconds,
        cast(null as {{ dbt.type_bigint() }}) as hold_seconds,
        0 as hold_count,
        cast(null as {{ dbt.type_bigint() }}) as acw_seconds,

        -- outcome
        'lost_before_queue' as outcome,
        cast(null as {{ dbt.type_string() }}) as abandon_reason,
        lost_reason,
        cast(null as {{ dbt.type_string() }}) as end_reason,
        cast(null as {{ dbt.type_string() }}) as transfer_type,

        -- flags
        false as is_offered,
        false as is_answered,
        false as is_abandoned,
        false as is_transferred

    from lost_calls

),

contacts as (

    select * from queue_contacts
    union all
    select * from lost_contacts

),

located as (

    select
        contacts.*,
        coalesce(queue_sites.site_id, '{{ var("default_site_id") }}') as site_id
    from contacts
    left join queue_config as queue_sites
        on contacts.queue_id = queue_sites.queue_id
        and queue_sites.valid_from <= cast(contacts.counted_at as date)
        and (
            queue_sites.valid_to is null
            or cast(contacts.counted_at as date) < queue_sites.valid_to
        )

),

localized as (

    select
        located.*,
        {{ utc_to_local('located.counted_at', 'sites.time_zone') }} as counted_at_local
    from located
    left join sites
        on located.site_id = sites.site_id

),

thresholded as (

    select
        localized.*,
        cast(localized.counted_at_local as date) as contact_date,
        coalesce(
            queue_config.service_level_threshold_seconds,
            {{ var('service_level_threshold_seconds') }}
        ) as service_level_threshold_seconds,
        coalesce(
            queue_config.short_abandon_threshold_seconds,
            {{ var('short_abandon_threshold_seconds') }}
        ) as short_abandon_threshold_seconds
    from localized
    left join queue_config
        on localized.queue_id = queue_config.queue_id
        and queue_config.valid_from <= cast(localized.counted_at_local as date)
        and (
            queue_config.valid_to is null
            or cast(localized.counted_at_local as date) < queue_config.valid_to
        )

),

final as (

    select
        -- ids
        contact_id,
        call_id,
        cast(queue_visit_number as {{ dbt.type_int() }}) as queue_visit_number,
        queue_id,
        agent_id,
        site_id,
        customer_id,
        'voice' as channel,
        'inbound' as direction,

        -- timestamps
        arrived_at,
        queue_entered_at,
        answered_at,
        ended_at,
        contact_date,
        {{ interval_start_at('counted_at', 'counted_at_local') }} as interval_start_at,
        {{ interval_floor('counted_at_local') }} as interval_start_local,

        -- measures
        cast(wait_seconds as {{ dbt.type_bigint() }}) as wait_seconds,
        cast(ring_seconds as {{ dbt.type_bigint() }}) as ring_seconds,
        cast(ring_attempts as {{ dbt.type_int() }}) as ring_attempts,
        cast(ring_no_answer_count as {{ dbt.type_int() }}) as ring_no_answer_count,
        cast(talk_seconds as {{ dbt.type_bigint() }}) as talk_seconds,
        cast(hold_seconds as {{ dbt.type_bigint() }}) as hold_seconds,
        cast(hold_count as {{ dbt.type_int() }}) as hold_count,
        cast(acw_seconds as {{ dbt.type_bigint() }}) as acw_seconds,
        cast(talk_seconds + hold_seconds + acw_seconds as {{ dbt.type_bigint() }}) as handle_seconds,

        -- outcome
        outcome,
        abandon_reason,
        lost_reason,
        end_reason,
        transfer_type,

        -- flags
        is_offered,
        is_answered,
        is_abandoned,
        coalesce(is_abandoned and wait_seconds <= short_abandon_threshold_seconds, false)
            as is_short_abandon,
        coalesce(is_answered and wait_seconds <= service_level_threshold_seconds, false)
            as is_answered_within_threshold,
        coalesce(is_abandoned and wait_seconds <= service_level_threshold_seconds, false)
            as is_abandoned_within_threshold,
        is_transferred,

        -- thresholds in force that day
        cast(service_level_threshold_seconds as {{ dbt.type_int() }})
            as service_level_threshold_seconds,
        cast(short_abandon_threshold_seconds as {{ dbt.type_int() }})
            as short_abandon_threshold_seconds

    from thresholded

)

select * from final
