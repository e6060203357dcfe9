/*
    One row per agent (with team and site) and local day with QA evaluations or coaching.

    KPIS.md: QA score = mean evaluation score (0-100); QA pass rate = share of evaluated
    contacts rated "quality" (passed: score >= the form's pass mark, no auto-fail; target
    75-90 %). Coaching hours = hours of coaching sessions. Evaluations count on the day they
    were evaluated, sessions on the day they took place (DECISIONS.md D106).
*/

with

evaluations as (

    select * from {{ ref('fct_qa_evaluations') }}

),

coaching as (

    select * from {{ ref('fct_coaching_sessions') }}

),

evaluation_days as (

    select
        agent_id,
        team,
        site_id,
        evaluation_date as kpi_date,
        count(*) as evaluations,
        {{ count_where('is_passed') }} as evaluations_passed,
        {{ count_where('is_auto_fail') }} as evaluations_auto_failed,
        sum(score) as qa_score_points
    from evaluations
    group by agent_id, team, site_id, evaluation_date

),

coaching_days as (

    select
        agent_id,
        team,
        site_id,
        session_date as kpi_date,
        count(*) as coaching_sessions,
        {{ count_where("coaching_trigger = 'qa_fail'") }} as coaching_sessions_after_qa_fail,
        coalesce(sum(duration_seconds), 0) as coaching_seconds
    from coaching
    group by agent_id, team, site_id, session_date

),

keys as (

    select agent_id, team, site_id, kpi_date from evaluation_days
    union
    select agent_id, team, site_id, kpi_date from coaching_days

),

joined as (

    select
        keys.agent_id,
        keys.team,
        keys.site_id,
        keys.kpi_date,
        coalesce(evaluation_days.evaluations, 0) as evaluations,
        coalesce(evaluation_days.evaluations_passed, 0) as evaluations_passed,
        coalesce(evaluation_days.evaluations_auto_failed, 0) as evaluations_auto_failed,
        coalesce(evaluation_days.qa_score_points, 0) as qa_score_points,
        coalesce(coaching_days.coaching_sessions, 0) as coaching_sessions,
        coalesce(coaching_days.coaching_sessions_after_qa_fail, 0)
            as coaching_sessions_after_qa_fail,
        coalesce(coaching_days.coaching_seconds, 0) as coaching_seconds
    from keys
    left join evaluation_days
        on keys.agent_id = evaluation_days.agent_id
        and keys.kpi_date = evaluation_days.kpi_date
        and keys.site_id = evaluation_days.site_id
    left join coaching_days
        on keys.agent_id = coaching_days.agent_id
        and keys.kpi_date = coaching_days.kpi_date
        and keys.site_id = coaching_days.site_id

),

final as (

    select
        -- keys
        agent_id,
        team,
        site_id,
        kpi_date,

        -- counts and totals
        cast(evaluations as {{ dbt.type_bigint() }}) as evaluations,
        cast(evaluations_passed as {{ dbt.type_bigint() }}) as evaluations_passed,
        cast(evaluations_auto_failed as {{ dbt.type_bigint() }}) as evaluations_auto_failed,
        cast(qa_score_points as numeric(28, 6)) as qa_score_points,
        cast(coaching_sessions as {{ dbt.type_bigint() }}) as coaching_sessions,
        cast(coaching_sessions_after_qa_fail as {{ dbt.type_bigint() }})
            as coaching_sessions_after_qa_fail,
        cast(coaching_seconds as {{ dbt.type_bigint() }}) as coaching_seconds,
        cast(cast(coaching_seconds as {{ dbt.type_numeric() }}) / 3600 as numeric(28, 6))
            as coaching_hours,

        -- ratios and averages, each with its numerator and denominator
        {{ average('qa_score_points', 'evaluations') }} as qa_score,
        cast(qa_score_points as numeric(28, 6)) as qa_score_numerator,
        cast(evaluations as {{ dbt.type_bigint() }}) as qa_score_denominator,
        {{ ratio('evaluations_passed', 'evaluations') }} as qa_pass_rate,
        cast(evaluations_passed as {{ dbt.type_bigint() }}) as qa_pass_rate_numerator,
        cast(evaluations as {{ dbt.type_bigint() }}) as qa_pass_rate_denominator

    from joined

)

select * from final
