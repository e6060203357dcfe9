{#-
    The real-time-style adherence board: for the latest local day with agent states, each
    scheduled or logged-in agent's status at the moment of the latest data (as_of_at, the
    end of the latest state row of the site): the activity the schedule says now, the state
    the agent is in, whether that is in adherence, and the adherence so far today (schedule
    and states cut at as_of_at, so that the rest of the day does not count as missed).
    Same rules as kpi_adherence_agent_daily; a BI tool refreshing after each load shows
    what a WFM real-time adherence screen shows, at the latency of the loads.
-#}

with

schedules as (

    select * from {{ ref('fct_schedules') }}

),

agent_states as (

    select * from {{ ref('fct_agent_states') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

latest as (

    select
        site_id,
        max(state_date) as date_local,
        max(state_ended_at) as as_of_at
    from agent_states
    group by site_id

),

day_schedules as (

    select
        schedules.agent_id,
        schedules.activity,
        schedules.activity_started_at,
        case
            when schedules.activity_ended_at < latest.as_of_at then schedules.activity_ended_at
            else latest.as_of_at
        end as activity_ended_at,
        schedules.activity_ended_at as planned_end_at,
        latest.as_of_at
    from schedules
    inner join latest
        on schedules.site_id = latest.site_id
        and schedules.schedule_date = latest.date_local

),

day_states as (

    select
        agent_states.agent_id,
        agent_states.state,
        agent_states.pause_reason,
        agent_states.state_started_at,
        agent_states.state_ended_at,
        agent_states.duration_seconds,
        latest.as_of_at
    from agent_states
    inner join latest
        on agent_states.site_id = latest.site_id
        and agent_states.state_date = latest.date_local

),

on_queue_overlaps as (

    select
        day_schedules.agent_id,
        day_schedules.activity,
        sum({{ contact_center.overlap_seconds(
            'day_states.state_started_at', 'day_states.state_ended_at',
            'day_schedules.activity_started_at', 'day_schedules.activity_ended_at') }}) as on_queue_seconds
    from day_schedules
    inner join day_states
        on day_schedules.agent_id = day_states.agent_id
        and day_states.state in ('available', 'on_contact', 'acw')
        and day_states.state_started_at < day_schedules.activity_ended_at
        and day_states.state_ended_at > day_schedules.activity_started_at
    where day_schedules.activity_ended_at > day_schedules.activity_started_at
    group by
        day_schedules.agent_id,
        day_schedules.activity

),

so_far as (

    select
        day_schedules.agent_id,
        sum(case when day_schedules.activity = 'shift' and day_schedules.activity_ended_at > day_schedules.activity_started_at
            then {{ dbt.datediff('day_schedules.activity_started_at', 'day_schedules.activity_ended_at', 'second') }} else 0 end) as scheduled_seconds,
        sum(case when day_schedules.activity <> 'shift' and day_schedules.activity_ended_at > day_schedules.activity_started_at
            then {{ dbt.datediff('day_schedules.activity_started_at', 'day_schedules.activity_ended_at', 'second') }} else 0 end) as planned_activity_seconds
    from day_schedules
    group by day_schedules.agent_id

),

on_queue as (

    select
        agent_id,
        sum(case when activity = 'shift' then on_queue_seconds else 0 end) as in_shift,
        sum(case when activity <> 'shift' then on_queue_seconds else 0 end) as in_activities
    from on_queue_overlaps
    group by agent_id

),

now_scheduled as (

    select
        agent_id,
        max(case when activity <> 'shift' then activity end) as planned_activity,
        max(case when activity = 'shift' then 1 else 0 end) as in_shift
    from day_schedules
    where activity_started_at < as_of_at
        and planned_end_at >= as_of_at
    group by agent_id

),

now_state as (

    select
        agent_id,
        max(state) as state,
        max(pause_reason) as pause_reason
    from day_states
    where state_ended_at = as_of_at
    group by agent_id

),

board_agents as (

    select agent_id from so_far
    union
    select agent_id from day_states

),

final as (

    select
        -- ids
        board_agents.agent_id,
        coalesce(agents.site_id, '{{ var("default_site_id") }}') as site_id,
        agents.agent_name,
        agents.team,
        latest.date_local,
        latest.as_of_at,

        -- now
        case
            when now_scheduled.planned_activity is not null then now_scheduled.planned_activity
            when now_scheduled.in_shift = 1 then 'on_queue'
            else 'off_shift'
        end as scheduled_now,
        coalesce(now_state.state, 'logged_out') as state_now,
        now_state.pause_reason as pause_reason_now,
        case
            when now_scheduled.planned_activity is null and now_scheduled.in_shift = 1
                then case when now_state.state in ('available', 'on_contact', 'acw') then true else false end
            when now_scheduled.planned_activity is not null
                then case when now_state.state in ('available', 'on_contact', 'acw') then false else true end
            else case when now_state.state is null then true else false end
        end as is_in_adherence_now,

        -- so far today
        coalesce(so_far.scheduled_seconds, 0) as scheduled_seconds_so_far,
        coalesce(on_queue.in_shift, 0) - 2 * coalesce(on_queue.in_activities, 0)
            + coalesce(so_far.planned_activity_seconds, 0) as in_adherence_seconds_so_far,
        {{ contact_center.ratio(
            'coalesce(on_queue.in_shift, 0) - 2 * coalesce(on_queue.in_activities, 0) + coalesce(so_far.planned_activity_seconds, 0)',
            'so_far.scheduled_seconds') }} as adherence_so_far

    from board_agents
    left join agents
        on board_agents.agent_id = agents.agent_id
    inner join latest
        on coalesce(agents.site_id, '{{ var("default_site_id") }}') = latest.site_id
    left join so_far
        on board_agents.agent_id = so_far.agent_id
    left join on_queue
        on board_agents.agent_id = on_queue.agent_id
    left join now_scheduled
        on board_agents.agent_id = now_scheduled.agent_id
    left join now_state
        on board_agents.agent_id = now_state.agent_id

)

select * from final
