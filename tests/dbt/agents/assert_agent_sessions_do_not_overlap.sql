-- An agent is in one session at a time: each session starts at or after the end of the
-- agent's previous one. Returns the overlapping pairs.
with

ordered as (

    select
        agent_id,
        agent_session_id,
        session_started_at,
        session_ended_at,
        lag(session_ended_at) over (
            partition by agent_id
            order by session_started_at
        ) as previous_session_ended_at
    from {{ ref('int_agent_sessions_sessionized') }}

)

select *
from ordered
where session_started_at < previous_session_ended_at
