/*
    One row per Amazon Connect contact (ContactId): its latest contact trace record.

    Why: Connect updates a CTR after the contact ends (after-contact work, attributes) and
    Firehose re-delivers records, so one contact can arrive several times. The record with
    the latest LastUpdateTimestamp wins; a tie goes to the latest loaded file, then the
    later record in it. Timestamps are UTC already (Connect writes `Z`). The customer's
    number is replaced by its keyed hash; the raw record stays in the raw layer.
*/

with

source as (

    select * from {{ source('raw_amazon_connect', 'contact_trace_records') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by contact_id
            order by
                last_update_at desc nulls last,
                _loaded_at desc,
                _file_name desc,
                _row_number desc
        ) as recency_rank,
        count(*) over (partition by contact_id) as records_delivered
    from source
    where contact_id is not null

),

final as (

    select
        -- ids
        contact_id,
        initial_contact_id,
        previous_contact_id,
        next_contact_id,
        coalesce(initial_contact_id, contact_id) as chain_contact_id,
        queue_name as queue_id,
        agent_username as agent_id,
        {{ hash_pii('customer_endpoint_address') }} as customer_id,

        -- attributes
        lower(channel) as channel,
        upper(initiation_method) as initiation_method,
        upper(disconnect_reason) as disconnect_reason,
        queue_arn,
        agent_routing_profile,
        customer_endpoint_type,

        -- timestamps (UTC)
        initiation_at,
        connected_to_system_at,
        queue_enqueue_at as enqueued_at,
        queue_dequeue_at as dequeued_at,
        agent_connected_at,
        disconnect_at as disconnected_at,
        agent_acw_started_at as acw_started_at,
        agent_acw_ended_at as acw_ended_at,
        transfer_completed_at,
        last_update_at,

        -- measures
        cast(queue_duration_seconds as {{ dbt.type_bigint() }}) as queue_duration_seconds,
        cast(agent_interaction_seconds as {{ dbt.type_bigint() }}) as agent_interaction_seconds,
        cast(agent_customer_hold_seconds as {{ dbt.type_bigint() }}) as customer_hold_seconds,
        cast(agent_number_of_holds as {{ dbt.type_int() }}) as hold_count,
        cast(agent_acw_seconds as {{ dbt.type_bigint() }}) as acw_seconds,
        cast(agent_connection_attempts as {{ dbt.type_int() }}) as agent_connection_attempts,

        -- flags
        case
            when transferred_to_endpoint is not null or transfer_completed_at is not null
                then true
            else false
        end as has_transfer_record,

        -- lineage
        records_delivered,
        _file_name,
        _row_number,
        _loaded_at

    from ranked
    where recency_rank = 1

)

select * from final
