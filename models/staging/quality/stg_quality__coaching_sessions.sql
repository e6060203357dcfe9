{#- One row per coaching session; a session re-exported keeps its latest line. -#}

with

source as (

    select * from {{ source('raw_quality', 'coaching_sessions') }}

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
        trim(session_id) as coaching_session_id,
        trim(agent_id) as agent_id,
        nullif(trim(coach_id), '') as coach_id,
        nullif(trim(evaluation_id), '') as evaluation_id,

        -- timestamps
        started_at,

        -- measures
        cast(duration_minutes * 60 as {{ dbt.type_bigint() }}) as duration_seconds,

        -- attributes
        nullif(trim(topic), '') as topic,
        coalesce(nullif(lower(trim(trigger)), ''), 'other') as coaching_trigger,

        -- lineage
        _file_name,
        _row_number,
        _loaded_at

    from ranked
    where recency_rank = 1

)

select * from final
