{#-
    The agent timeline: every logged-in second of every agent in exactly one state, split
    at the reporting intervals of the agent's site. The segmentation (priorities, DST,
    interval bounds) is done and explained in int_agent_states_segmented.
-#}

with

agent_states as (

    select * from {{ ref('int_agent_states_segmented') }}

),

final as (

    select
        -- ids
        agent_state_id,
        agent_id,
        site_id,

        -- state
        state,
        pause_reason,

        -- timestamps
        state_started_at,
        state_ended_at,

        -- measures
        duration_seconds,

        -- local calendar
        state_date,
        interval_start_at,
        interval_start_local

    from agent_states

)

select * from final
