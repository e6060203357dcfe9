{#-
    One row per IVR session (a call's time in the self-service menus). A session delivered
    twice keeps its latest line. The caller number is hashed with the keyed hash (the voice
    contacts' customer_id for the same number); a withheld number has no customer.
-#}

with

source as (

    select * from {{ source('raw_ivr', 'sessions') }}

),

ranked as (

    select
        source.*,
        row_number() over (
            partition by trim(session_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        -- ids
        trim(session_id) as session_id,
        nullif(trim(pbx_uniqueid), '') as call_id,
        case
            when lower(trim(caller_number)) in ('anonymous', 'unknown', 'restricted') then null
            else {{ hash_pii('caller_number') }}
        end as customer_id,
        nullif(trim(dnis), '') as entry_point,
        nullif(lower(trim(transfer_queue)), '') as queue_id,

        -- timestamps
        started_at,
        ended_at,

        -- path
        node_path,
        coalesce(nodes_visited, length(node_path) - length(replace(node_path, '>', '')) + 1)
            as nodes_visited,
        nullif(trim(exit_node), '') as exit_node,
        nullif(lower(trim(intent)), '') as intent,

        -- measures
        {{ dbt.datediff('started_at', 'ended_at', 'second') }} as ivr_seconds,

        -- outcome
        lower(trim(outcome)) as outcome,
        nullif(lower(trim(end_reason)), '') as end_reason,
        case when lower(trim(outcome)) = 'contained' then true else false end as is_contained,
        case when lower(trim(outcome)) = 'transferred' then true else false end as is_transferred,
        case
            when lower(trim(outcome)) = 'contained' and lower(trim(end_reason)) = 'completed'
                then true
            else false
        end as is_task_completed,

        -- lineage
        _file_name,
        _row_number,
        _loaded_at

    from ranked
    where recency_rank = 1

)

select * from final
