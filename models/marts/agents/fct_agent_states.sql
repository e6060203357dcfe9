{#-
    The agent timeline: every logged-in second of every agent in exactly one state, split
    at the reporting intervals of the agent's site. The segmentation (priorities, DST,
    interval bounds) is done and explained in int_agent_states_segmented.
    Incremental by local day (DECISIONS.md D182): a projection row by row, so a run
    rebuilds exactly the local days whose stretches changed (their fingerprint leaves out
    duration_seconds, which the two timestamps determine).
-#}

{{ config(**incremental_by_day_config('state_date')) }}

{%- set days = incremental_days([
    {'relation': ref('int_agent_states_segmented'), 'day': 'state_date',
     'columns': ['agent_state_id', 'agent_id', 'site_id', 'state', 'pause_reason',
                 'state_started_at', 'state_ended_at', 'interval_start_at', 'interval_start_local']},
]) %}

with

agent_states as (

    select * from {{ ref('int_agent_states_segmented') }}
    where {{ incremental_day_filter('state_date', days) }}

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
