{#- One row per closed-loop follow-up, deduplicated by id (latest load, file, line). -#}

with

source as (

    select * from {{ source('raw_surveys', 'follow_ups') }}

),

ranked as (

    select
        trim(follow_up_id) as follow_up_id,
        trim(response_id) as response_id,
        created_at,
        contacted_at,
        lower(trim(method)) as method,
        nullif(trim(agent_id), '') as agent_id,
        nullif(lower(trim(outcome)), '') as outcome,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by trim(follow_up_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        follow_up_id,
        response_id,
        created_at,
        contacted_at,
        method,
        agent_id,
        outcome,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
