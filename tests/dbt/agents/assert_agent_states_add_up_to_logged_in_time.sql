{{ config(meta={'dagster': {'ref': {'name': 'fct_agent_states'}}}) }}
-- The states of fct_agent_states cover every logged-in second exactly once: per agent,
-- the durations add up to the sessions' length. Returns the agents where they do not.
with

sessions as (

    select
        agent_id,
        sum(session_seconds) as session_seconds
    from {{ ref('int_agent_sessions_sessionized') }}
    group by agent_id

),

states as (

    select
        agent_id,
        sum(duration_seconds) as state_seconds
    from {{ ref('fct_agent_states') }}
    group by agent_id

)

select
    coalesce(sessions.agent_id, states.agent_id) as agent_id,
    sessions.session_seconds,
    states.state_seconds
from sessions
full outer join states
    on sessions.agent_id = states.agent_id
where coalesce(sessions.session_seconds, -1) <> coalesce(states.state_seconds, -1)
