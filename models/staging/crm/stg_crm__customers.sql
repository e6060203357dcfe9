{#-
    One row per CRM account, its latest version: the accounts export is a full snapshot
    followed by daily files of the accounts modified that day, so an account appears in
    many files; the last modification wins (then the latest load, file and line).
    Phone and e-mail are hashed with the keyed hash (macros/cross_db/hashing.sql) exactly
    as the PBX's caller number is (trimmed; e-mail lower-cased), so contacts resolve to
    accounts by hash; names are dropped.
-#}

with

source as (

    select * from {{ source('raw_crm', 'customers') }}

),

ranked as (

    select
        trim(crm_customer_id) as crm_customer_id,
        {{ hash_pii('crm_customer_id') }} as customer_key,
        {{ hash_pii('phone') }} as phone_hash,
        {{ hash_pii('lower(email)') }} as email_hash,
        lower(trim(segment)) as segment,
        created_at,
        modified_at,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by trim(crm_customer_id)
            order by modified_at desc, _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        crm_customer_id,
        customer_key,
        phone_hash,
        email_hash,
        segment,
        created_at,
        modified_at,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
