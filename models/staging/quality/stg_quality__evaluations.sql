{#-
    One row per QA evaluation; an evaluation re-exported (re-scored) keeps its latest line.
    Passed = score at or above the form's pass threshold (var('qa_pass_threshold') when the
    export has none) and no auto-fail (DECISIONS.md D106).
-#}

with

source as (

    select * from {{ source('raw_quality', 'evaluations') }}

),

ranked as (

    select
        source.*,
        row_number() over (
            partition by trim(evaluation_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        -- ids
        trim(evaluation_id) as evaluation_id,
        trim(contact_id) as source_contact_id,
        coalesce(nullif(lower(trim(channel)), ''), 'voice') as channel,
        trim(agent_id) as agent_id,
        nullif(trim(evaluator_id), '') as evaluator_id,
        nullif(trim(form_name), '') as form_name,

        -- timestamps
        evaluated_at,

        -- scores
        greeting_score,
        verification_score,
        resolution_score,
        compliance_score,
        soft_skills_score,
        score,
        coalesce(pass_threshold, {{ var('qa_pass_threshold') }}) as pass_threshold,
        coalesce(auto_fail, false) as is_auto_fail,
        case
            when coalesce(auto_fail, false) then false
            when score >= coalesce(pass_threshold, {{ var('qa_pass_threshold') }}) then true
            else false
        end as is_passed,

        -- lineage
        _file_name,
        _row_number,
        _loaded_at

    from ranked
    where recency_rank = 1

)

select * from final
