{#-
    One row per case, its latest version. The cases export lists every case modified on a
    day in its state at the end of that day, so a case appears once per day it changed; the
    latest modification wins (then the latest load, file and line).
-#}

with

source as (

    select * from {{ source('raw_crm', 'cases') }}

),

ranked as (

    select
        trim(case_id) as case_id,
        {{ hash_pii('crm_customer_id') }} as customer_key,
        opened_at,
        lower(trim(channel)) as channel,
        lower(trim(category)) as category,
        lower(trim(priority)) as priority,
        lower(trim(status)) as status,
        resolved_at,
        reopened_at,
        coalesce(reopen_count, 0) as reopen_count,
        nullif(trim(origin_call_id), '') as origin_call_id,
        nullif(trim(owner_agent_id), '') as owner_agent_id,
        modified_at,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by trim(case_id)
            order by modified_at desc, _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        case_id,
        customer_key,
        opened_at,
        channel,
        category,
        priority,
        status,
        resolved_at,
        reopened_at,
        reopen_count,
        origin_call_id,
        owner_agent_id,
        modified_at,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
