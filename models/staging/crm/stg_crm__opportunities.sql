{#-
    One row per opportunity, its latest version (latest load, then file, then line): an
    opportunity re-exported when it closes replaces its open line.
-#}

with

source as (

    select * from {{ source('raw_crm', 'opportunities') }}

),

ranked as (

    select
        trim(opportunity_id) as opportunity_id,
        nullif(trim(lead_id), '') as lead_id,
        {{ hash_pii('crm_customer_id') }} as customer_key,
        nullif(trim(call_id), '') as call_id,
        created_at,
        lower(trim(stage)) as stage,
        closed_at,
        amount,
        upper(trim(currency)) as currency,
        nullif(trim(product), '') as product,
        nullif(trim(owner_agent_id), '') as agent_id,
        coalesce(nullif(trim(campaign), ''), 'unknown') as campaign,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by trim(opportunity_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        opportunity_id,
        lead_id,
        customer_key,
        call_id,
        created_at,
        stage,
        closed_at,
        amount,
        currency,
        product,
        agent_id,
        campaign,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
