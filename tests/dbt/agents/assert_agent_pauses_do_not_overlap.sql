-- An agent is in one pause at a time. Returns pauses that start before the agent's
-- previous pause ended.
with

ordered as (

    select
        agent_id,
        agent_pause_id,
        pause_started_at,
        pause_ended_at,
        lag(pause_ended_at) over (
            partition by agent_id
            order by pause_started_at
        ) as previous_pause_ended_at
    from {{ ref('int_agent_pause_intervals') }}

)

select *
from ordered
where pause_started_at < previous_pause_ended_at
