/*
    One row per QA evaluation, linked to the evaluated contact of fct_contacts and dated on
    the local day it was evaluated (the agent's site, else var('default_site_id')).

    Why: the QA tool names a voice call by the PBX uniqueid (fct_contacts.call_id); a call
    visits several queues when transferred, so the contact is the answered visit of that
    call by the evaluated agent (the first such visit); a help-desk ticket is its own
    contact. contact_id stays NULL when the contact is not in the warehouse (a QA export
    older than the PBX data, DECISIONS.md D106).
*/

with

evaluations as (

    select * from {{ ref('stg_quality__evaluations') }}

),

contacts as (

    select * from {{ ref('fct_contacts') }}
    where is_answered

),

agents as (

    select * from {{ ref('dim_agents') }}

),

sites as (

    select * from {{ ref('sites') }}

),

matched as (

    select
        evaluations.evaluation_id,
        contacts.contact_id,
        row_number() over (
            partition by evaluations.evaluation_id
            order by contacts.queue_visit_number, contacts.contact_id
        ) as match_rank
    from evaluations
    inner join contacts
        on evaluations.source_contact_id = contacts.call_id
        and evaluations.agent_id = contacts.agent_id

),

final as (

    select
        -- ids
        evaluations.evaluation_id,
        matched.contact_id,
        evaluations.source_contact_id,
        evaluations.channel,
        evaluations.agent_id,
        agents.team,
        coalesce(agents.site_id, '{{ var("default_site_id") }}') as site_id,
        evaluations.evaluator_id,
        evaluations.form_name,

        -- timestamps
        evaluations.evaluated_at,
        cast({{ utc_to_local('evaluations.evaluated_at', 'sites.time_zone') }} as date)
            as evaluation_date,

        -- scores
        evaluations.greeting_score,
        evaluations.verification_score,
        evaluations.resolution_score,
        evaluations.compliance_score,
        evaluations.soft_skills_score,
        evaluations.score,
        evaluations.pass_threshold,
        evaluations.is_auto_fail,
        evaluations.is_passed

    from evaluations
    left join matched
        on evaluations.evaluation_id = matched.evaluation_id
        and matched.match_rank = 1
    left join agents
        on evaluations.agent_id = agents.agent_id
    left join sites
        on coalesce(agents.site_id, '{{ var("default_site_id") }}') = sites.site_id

)

select * from final
