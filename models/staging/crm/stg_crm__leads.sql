{#-
    One row per web-form lead, its latest version (a re-exported lead replaces the earlier
    line: latest load, then file, then line). Phone and e-mail are hashed; the account the
    CRM matched is kept as its hashed key.
-#}

with

source as (

    select * from {{ source('raw_crm', 'leads') }}

),

ranked as (

    select
        trim(lead_id) as lead_id,
        {{ hash_pii('crm_customer_id') }} as customer_key,
        {{ hash_pii('phone') }} as phone_hash,
        {{ hash_pii('lower(email)') }} as email_hash,
        submitted_at,
        created_in_crm_at,
        first_call_at,
        nullif(trim(first_call_agent_id), '') as first_call_agent_id,
        coalesce(call_attempts, 0) as call_attempts,
        coalesce(nullif(trim(campaign), ''), 'unknown') as campaign,
        lower(trim(source)) as lead_source,
        lower(trim(status)) as lead_status,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by trim(lead_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        lead_id,
        customer_key,
        phone_hash,
        email_hash,
        submitted_at,
        created_in_crm_at,
        first_call_at,
        first_call_agent_id,
        call_attempts,
        campaign,
        lead_source,
        lead_status,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
