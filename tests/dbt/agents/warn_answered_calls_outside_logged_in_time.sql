{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_agent_sessions_sessionized'}}}) }}
-- Answered calls whose answering agent was not logged in when the call was answered
-- (no session of that agent contains answered_at). Their talk time is missing from
-- fct_agent_states (it only covers logged-in time) while kpi_agent_daily still counts
-- them as handled. Expected only at the very start of the data (an agent logged in
-- before the first file) or with PBX logging gaps; warns, listing them. Calls still
-- connected at the end of the data are left out: an open session ends at the agent's
-- last event, which may be that very CONNECT.
with

visits as (

    select * from {{ ref('int_queue_visits_sessionized') }}

),

aliases as (

    select * from {{ ref('int_agent_member_aliases') }}

),

sessions as (

    select * from {{ ref('int_agent_sessions_sessionized') }}

),

answered as (

    select
        visits.queue_visit_id,
        coalesce(aliases.agent_id, visits.agent_id) as agent_id,
        visits.answered_at
    from visits
    left join aliases
        on visits.agent_id = aliases.member_name
    where visits.is_answered
        and visits.answered_at is not null
        and visits.ended_at is not null

)

select answered.*
from answered
left join sessions
    on answered.agent_id = sessions.agent_id
    and answered.answered_at >= sessions.session_started_at
    and answered.answered_at < sessions.session_ended_at
where sessions.agent_session_id is null
