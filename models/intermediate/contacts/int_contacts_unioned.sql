/*
    One row per contact of every source, in one shape: Asterisk queue visits and calls lost
    before any queue, Amazon Connect contacts, and the contacts of every mapped source.
    fct_contacts reads only this model; a new source is one more CTE here.

    Why it is built this way (DECISIONS.md D1-D11 for Asterisk, "Contact sources" for the rest):
    - Asterisk: a queue visit's arrival is the call's earliest CDR start when the call has a
      CDR (any of its ids), but never later than its first queue entry; else the first queue
      entry. Lost calls come from int_calls_lost_before_queue (queue `unassigned` when the
      dialled queue is unknown).
    - Amazon Connect: a transfer creates a new contact; the contacts of one chain share
      InitialContactId (`call_id`) and are numbered in order of initiation
      (`queue_visit_number`, PreviousContactId follows the same order). Arrival is the chain's
      first initiation. Outcome: outbound (OUTBOUND, voice API initiation) is not offered;
      answered when an agent connected; never queued: ended_in_ivr (the contact flow ended
      it); still queued with no disconnect: in_progress; left the queue into another contact
      (NextContactId): flowed_out; else abandoned (`timeout` when the flow disconnected it,
      else `caller_hangup`). The CTR does not say whether the agent stayed on a transfer:
      transfer_type is var('amazon_connect_transfer_type', 'blind').
    - Mapped sources: the mapping gives the canonical columns (validated at ingestion); a
      contact that entered a queue is visit 1 of its own call.
    - `counted_at` is the queue entry for offered contacts, else the arrival: the moment the
      contact counts on (DECISIONS.md D3).
    - Help-desk tickets (chat, e-mail, SMS, social; DECISIONS.md D100-D101): a ticket enters
      its group (queue) when created; answered = an agent's first response (wait = time to
      first response), abandoned = a missed chat (the customer left unanswered), else still
      waiting (in_progress); ended = solved; talk = the agent's handle seconds (no hold or
      ACW). customer_id is the phone hash when the ticket has a phone (the voice customer_id
      of that number), else the e-mail hash, else the social handle's.
    - customer_phone_hash / customer_email_hash: the keyed hashes of the contact's phone and
      e-mail where the source has them, for identity resolution across channels.
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

connect_contacts as (

    select * from {{ ref('stg_amazon_connect__contacts') }}

),

mapped_contacts as (

    select * from {{ ref('stg_mapped__contacts') }}

),

digital_contacts as (

    select * from {{ ref('stg_digital__contacts') }}

),

-- Asterisk ------------------------------------------------------------------------------

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

asterisk_queue_contacts as (

    select
        -- ids
        {{ surrogate_key(["'queue_visit'", 'visits.queue_visit_id']) }} as contact_id,
        'asterisk' as source_system,
        visits.call_id,
        visits.queue_visit_number,
        visits.queue_id,
        visits.resolved_agent_id as agent_id,
        visits.customer_id,
        cast(null as {{ dbt.type_string() }}) as source_site_id,
        'voice' as channel,
        'inbound' as direction,

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
        visits.is_transferred,

        -- identity
        visits.customer_id as customer_phone_hash,
        cast(null as {{ dbt.type_string() }}) as customer_email_hash

    from visits
    left join cdr_arrivals
        on visits.call_id = cdr_arrivals.call_id

),

asterisk_lost_contacts as (

    select
        -- ids
        {{ surrogate_key(["'lost_before_queue'", 'call_id']) }} as contact_id,
        'asterisk' as source_system,
        call_id,
        cast(null as {{ dbt.type_int() }}) as queue_visit_number,
        coalesce(queue_id, 'unassigned') as queue_id,
        cast(null as {{ dbt.type_string() }}) as agent_id,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as source_site_id,
        'voice' as channel,
        'inbound' as direction,

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
        false as is_transferred,

        -- identity
        customer_id as customer_phone_hash,
        cast(null as {{ dbt.type_string() }}) as customer_email_hash

    from lost_calls

),

-- Amazon Connect ------------------------------------------------------------------------

connect_chained as (

    select
        connect_contacts.*,
        row_number() over (
            partition by chain_contact_id
            order by initiation_at, contact_id
        ) as chain_position,
        min(initiation_at) over (partition by chain_contact_id) as chain_started_at,
        case
            when initiation_method = 'OUTBOUND' then 'outbound'
            -- StartOutboundVoiceContact; API chats and tasks are started by the customer
            when initiation_method = 'API' and channel = 'voice' then 'outbound'
            else 'inbound'
        end as direction
    from connect_contacts

),

connect_classified as (

    select
        connect_chained.*,
        case
            when direction = 'outbound' then 'outbound'
            when agent_connected_at is not null then 'answered'
            when enqueued_at is null then 'ended_in_ivr'
            when disconnected_at is null and dequeued_at is null then 'in_progress'
            when next_contact_id is not null then 'flowed_out'
            else 'abandoned'
        end as outcome,
        case
            when agent_connected_at is not null
                and disconnected_at is not null
                and (has_transfer_record or next_contact_id is not null)
                then true
            else false
        end as has_agent_transfer,
        case
            when enqueued_at is not null then enqueued_at
            when agent_connected_at is not null then agent_connected_at
        end as queue_entry_at
    from connect_chained

),

connect_contacts_unioned as (

    select
        -- ids
        {{ surrogate_key(["'amazon_connect'", 'contact_id']) }} as contact_id,
        'amazon_connect' as source_system,
        chain_contact_id as call_id,
        cast(chain_position as {{ dbt.type_int() }}) as queue_visit_number,
        coalesce(queue_id, 'unassigned') as queue_id,
        case when outcome in ('answered', 'outbound') then agent_id end as agent_id,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as source_site_id,
        channel,
        direction,

        -- timestamps
        case
            when outcome in ('answered', 'abandoned', 'flowed_out', 'in_progress')
                and queue_entry_at < chain_started_at
                then queue_entry_at
            else chain_started_at
        end as arrived_at,
        case
            when outcome in ('answered', 'abandoned', 'flowed_out', 'in_progress')
                then queue_entry_at
        end as queue_entered_at,
        case when outcome in ('answered', 'outbound') then agent_connected_at end as answered_at,
        disconnected_at as ended_at,
        case
            when outcome in ('answered', 'abandoned', 'flowed_out', 'in_progress')
                then queue_entry_at
            else initiation_at
        end as counted_at,

        -- measures
        case
            when outcome = 'answered'
                then {{ dbt.datediff('queue_entry_at', 'agent_connected_at', 'second') }}
            when outcome in ('abandoned', 'flowed_out')
                then {{ dbt.datediff('queue_entry_at', 'coalesce(dequeued_at, disconnected_at)', 'second') }}
        end as wait_seconds,
        cast(null as {{ dbt.type_bigint() }}) as ring_seconds,
        case
            when outcome = 'answered' and coalesce(agent_connection_attempts, 0) < 1 then 1
            else coalesce(agent_connection_attempts, 0)
        end as ring_attempts,
        case
            when outcome = 'answered' and coalesce(agent_connection_attempts, 0) >= 1
                then agent_connection_attempts - 1
            when outcome = 'answered' then 0
            else coalesce(agent_connection_attempts, 0)
        end as ring_no_answer_count,
        case
            when outcome in ('answered', 'outbound') and disconnected_at is not null
                then coalesce(agent_interaction_seconds, 0)
        end as talk_seconds,
        case
            when outcome in ('answered', 'outbound') and disconnected_at is not null
                then coalesce(customer_hold_seconds, 0)
        end as hold_seconds,
        coalesce(hold_count, 0) as hold_count,
        case
            when outcome in ('answered', 'outbound') and disconnected_at is not null
                then coalesce(acw_seconds, 0)
        end as acw_seconds,

        -- outcome
        outcome,
        case
            when outcome = 'abandoned' and disconnect_reason = 'CONTACT_FLOW_DISCONNECT'
                then 'timeout'
            when outcome = 'abandoned' then 'caller_hangup'
        end as abandon_reason,
        cast(null as {{ dbt.type_string() }}) as lost_reason,
        case
            when outcome <> 'answered' or disconnected_at is null then null
            when has_agent_transfer then 'transfer'
            when disconnect_reason = 'CUSTOMER_DISCONNECT' then 'caller'
            when disconnect_reason = 'AGENT_DISCONNECT' then 'agent'
        end as end_reason,
        case
            when outcome = 'answered' and has_agent_transfer
                then '{{ var("amazon_connect_transfer_type", "blind") }}'
        end as transfer_type,

        -- flags
        case
            when outcome in ('answered', 'abandoned', 'flowed_out', 'in_progress') then true
            else false
        end as is_offered,
        case when outcome = 'answered' then true else false end as is_answered,
        case when outcome = 'abandoned' then true else false end as is_abandoned,
        case when outcome = 'answered' and has_agent_transfer then true else false end
            as is_transferred,

        -- identity (the customer endpoint is a phone number on voice)
        case when channel = 'voice' then customer_id end as customer_phone_hash,
        cast(null as {{ dbt.type_string() }}) as customer_email_hash

    from connect_classified

),

-- mapped sources ------------------------------------------------------------------------

mapped_contacts_unioned as (

    select
        -- ids
        {{ surrogate_key(["'mapped'", 'source_name', 'contact_id']) }} as contact_id,
        source_system,
        contact_id as call_id,
        case when queued_at is not null then 1 end as queue_visit_number,
        coalesce(queue_id, 'unassigned') as queue_id,
        agent_id,
        customer_id,
        site_id as source_site_id,
        channel,
        direction,

        -- timestamps
        coalesce(arrived_at, queued_at) as arrived_at,
        queued_at as queue_entered_at,
        answered_at,
        ended_at,
        case
            when outcome in ('answered', 'abandoned', 'flowed_out', 'in_progress') then queued_at
            else coalesce(arrived_at, queued_at)
        end as counted_at,

        -- measures
        wait_seconds,
        cast(null as {{ dbt.type_bigint() }}) as ring_seconds,
        case when outcome = 'answered' then 1 else 0 end as ring_attempts,
        0 as ring_no_answer_count,
        talk_seconds,
        hold_seconds,
        coalesce(hold_count, 0) as hold_count,
        acw_seconds,

        -- outcome
        outcome,
        abandon_reason,
        lost_reason,
        case when outcome = 'answered' then end_reason end as end_reason,
        transfer_type,

        -- flags
        case
            when outcome in ('answered', 'abandoned', 'flowed_out', 'in_progress') then true
            else false
        end as is_offered,
        case when outcome = 'answered' then true else false end as is_answered,
        case when outcome = 'abandoned' then true else false end as is_abandoned,
        case when transfer_type is not null then true else false end as is_transferred,

        -- identity
        case when channel = 'voice' then customer_id end as customer_phone_hash,
        cast(null as {{ dbt.type_string() }}) as customer_email_hash

    from mapped_contacts

),

-- help desk (digital channels) ----------------------------------------------------------

digital_contacts_unioned as (

    select
        -- ids
        {{ surrogate_key(["'helpdesk'", 'ticket_id']) }} as contact_id,
        'helpdesk' as source_system,
        ticket_id as call_id,
        1 as queue_visit_number,
        queue_id,
        case when first_response_at is not null then agent_id end as agent_id,
        coalesce(customer_phone_hash, customer_email_hash, customer_handle_hash) as customer_id,
        cast(null as {{ dbt.type_string() }}) as source_site_id,
        channel,
        'inbound' as direction,

        -- timestamps
        created_at as arrived_at,
        created_at as queue_entered_at,
        first_response_at as answered_at,
        solved_at as ended_at,
        created_at as counted_at,

        -- measures
        case
            when first_response_at is not null
                then {{ dbt.datediff('created_at', 'first_response_at', 'second') }}
            when is_missed and solved_at is not null
                then {{ dbt.datediff('created_at', 'solved_at', 'second') }}
        end as wait_seconds,
        cast(null as {{ dbt.type_bigint() }}) as ring_seconds,
        case when first_response_at is not null then 1 else 0 end as ring_attempts,
        0 as ring_no_answer_count,
        case when first_response_at is not null and is_solved then handle_seconds end
            as talk_seconds,
        case when first_response_at is not null and is_solved then 0 end as hold_seconds,
        0 as hold_count,
        case when first_response_at is not null and is_solved then 0 end as acw_seconds,

        -- outcome
        case
            when first_response_at is not null then 'answered'
            when is_missed then 'abandoned'
            else 'in_progress'
        end as outcome,
        case when first_response_at is null and is_missed then 'caller_hangup' end
            as abandon_reason,
        cast(null as {{ dbt.type_string() }}) as lost_reason,
        case when first_response_at is not null and is_solved then 'agent' end as end_reason,
        cast(null as {{ dbt.type_string() }}) as transfer_type,

        -- flags
        true as is_offered,
        case when first_response_at is not null then true else false end as is_answered,
        case when first_response_at is null and is_missed then true else false end
            as is_abandoned,
        false as is_transferred,

        -- identity
        customer_phone_hash,
        customer_email_hash

    from digital_contacts

),

unioned as (

    select * from asterisk_queue_contacts
    union all
    select * from asterisk_lost_contacts
    union all
    select * from connect_contacts_unioned
    union all
    select * from mapped_contacts_unioned
    union all
    select * from digital_contacts_unioned

),

final as (

    select
        -- ids
        contact_id,
        source_system,
        call_id,
        cast(queue_visit_number as {{ dbt.type_int() }}) as queue_visit_number,
        queue_id,
        agent_id,
        customer_id,
        source_site_id,
        channel,
        direction,

        -- timestamps
        arrived_at,
        queue_entered_at,
        answered_at,
        ended_at,
        counted_at,

        -- measures
        cast(wait_seconds as {{ dbt.type_bigint() }}) as wait_seconds,
        cast(ring_seconds as {{ dbt.type_bigint() }}) as ring_seconds,
        cast(ring_attempts as {{ dbt.type_int() }}) as ring_attempts,
        cast(ring_no_answer_count as {{ dbt.type_int() }}) as ring_no_answer_count,
        cast(talk_seconds as {{ dbt.type_bigint() }}) as talk_seconds,
        cast(hold_seconds as {{ dbt.type_bigint() }}) as hold_seconds,
        cast(hold_count as {{ dbt.type_int() }}) as hold_count,
        cast(acw_seconds as {{ dbt.type_bigint() }}) as acw_seconds,

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
        is_transferred,

        -- identity (keyed hashes)
        customer_phone_hash,
        customer_email_hash

    from unioned

)

select * from final
