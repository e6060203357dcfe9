{#-
    One row per call logged on a case (a CRM call activity), deduplicated by activity id
    (latest load, then file, then line).
-#}

with

source as (

    select * from {{ source('raw_crm', 'case_calls') }}

),

ranked as (

    select
        trim(activity_id) as activity_id,
        trim(case_id) as case_id,
        trim(call_id) as call_id,
        nullif(trim(agent_id), '') as agent_id,
        logged_at,
        lower(trim(outcome)) as outcome,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by trim(activity_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        activity_id,
        case_id,
        call_id,
        agent_id,
        logged_at,
        outcome,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
