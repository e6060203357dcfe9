-- An agent is in one state at a time. Returns state rows that start before the agent's
-- previous state row ended.
with

ordered as (

    select
        agent_id,
        agent_state_id,
        state_started_at,
        state_ended_at,
        lag(state_ended_at) over (
            partition by agent_id
            order by state_started_at
        ) as previous_state_ended_at
    from {{ ref('fct_agent_states') }}

)

select *
from ordered
where state_started_at < previous_state_ended_at
