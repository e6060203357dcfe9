{#- One row per survey invitation, deduplicated by id (latest load, then file, then line). -#}

with

source as (

    select * from {{ source('raw_surveys', 'invitations') }}

),

ranked as (

    select
        trim(invitation_id) as invitation_id,
        nullif(trim(call_id), '') as call_id,
        {{ hash_pii('crm_customer_id') }} as customer_key,
        lower(trim(channel)) as survey_channel,
        sent_at,
        coalesce(nullif(lower(trim(survey)), ''), 'post_call') as survey,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by trim(invitation_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        invitation_id,
        call_id,
        customer_key,
        survey_channel,
        sent_at,
        survey,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
