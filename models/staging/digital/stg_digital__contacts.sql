{#-
    One row per help-desk ticket (chat, e-mail, SMS or social conversation). The help desk
    re-exports a ticket whenever it changes, so the latest line wins (latest load, then the
    later file name, then the last line). Requester identifiers are hashed with the keyed
    hash: the phone hash equals the voice contacts' customer_id for the same number.
-#}

with

source as (

    select * from {{ source('raw_digital', 'contacts') }}

),

ranked as (

    select
        source.*,
        row_number() over (
            partition by trim(ticket_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        -- ids
        trim(ticket_id) as ticket_id,
        lower(trim(channel)) as channel,
        nullif(lower(trim(via)), '') as via,
        coalesce(nullif(lower(trim(group_name)), ''), 'unassigned') as queue_id,
        nullif(trim(assignee_id), '') as agent_id,

        -- customer (hashed)
        {{ hash_pii('requester_phone') }} as customer_phone_hash,
        {{ hash_pii('lower(requester_email)') }} as customer_email_hash,
        {{ hash_pii('lower(requester_handle)') }} as customer_handle_hash,
        {{ hash_pii('external_id') }} as customer_crm_hash,

        -- timestamps
        created_at,
        assigned_at,
        first_response_at,
        solved_at,

        -- measures
        handle_seconds,
        concurrency,
        messages,

        -- status
        lower(trim(status)) as status,
        case when lower(trim(status)) = 'missed' then true else false end as is_missed,
        case
            when lower(trim(status)) in ('solved', 'closed') and solved_at is not null then true
            else false
        end as is_solved,

        -- lineage
        _file_name,
        _row_number,
        _loaded_at

    from ranked
    where recency_rank = 1

)

select * from final
