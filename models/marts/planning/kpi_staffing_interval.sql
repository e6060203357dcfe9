{#-
    Staff per site and interval, planned against actual, in agents (seconds / interval
    seconds, so a half-present agent counts 0.5):
    - required_agents: Erlang C agents for the chosen model's forecast in force
      (kpi_plan_vs_actual_interval), pooled over the queues that share agents (one M/M/n
      queue per staffing group, D150): the sum of the queues' shares of their groups;
    - required_agents_unpooled: the sum of every queue's own Erlang C agents, as if no agent
      served two queues (an upper bound; the old figure);
    - scheduled_needed_agents: the pooled agents after shrinkage;
    - scheduled_on_queue_agents: agents the published schedule puts on queue (shifts minus
      planned activities, fct_schedules);
    - available_agents: agents actually on queue (available, on contact, ACW;
      fct_agent_states); logged_in_agents: in any state.
-#}

with

plan as (

    select * from {{ ref('kpi_plan_vs_actual_interval') }}

),

schedules as (

    select * from {{ ref('fct_schedules') }}

),

agent_states as (

    select * from {{ ref('fct_agent_states') }}

),

required as (

    select
        site_id,
        interval_start_at,
        min(date_local) as date_local,
        sum(group_required_agents) as required_agents,
        sum(required_agents) as required_agents_unpooled,
        sum(required_agents_erlang_a) as required_agents_erlang_a,
        sum(group_scheduled_agents_needed) as scheduled_needed_agents
    from plan
    where site_id is not null
    group by
        site_id,
        interval_start_at

),

actual as (

    select
        site_id,
        interval_start_at,
        min(state_date) as date_local,
        sum(duration_seconds) as logged_in_seconds,
        {{ contact_center.sum_where('duration_seconds', "state in ('available', 'on_contact', 'acw')") }} as on_queue_seconds
    from agent_states
    group by
        site_id,
        interval_start_at

),

intervals as (

    select site_id, interval_start_at, date_local from required
    union
    select site_id, interval_start_at, date_local from actual

),

interval_bounds as (

    select
        site_id,
        interval_start_at,
        date_local,
        {{ dbt.dateadd('minute', var('interval_minutes'), 'interval_start_at') }} as interval_end_at
    from intervals

),

scheduled as (

    select
        interval_bounds.site_id,
        interval_bounds.interval_start_at,
        sum(
            (case when schedules.activity = 'shift' then 1 else -1 end)
            * {{ dbt.datediff(
                'case when schedules.activity_started_at > interval_bounds.interval_start_at then schedules.activity_started_at else interval_bounds.interval_start_at end',
                'case when schedules.activity_ended_at < interval_bounds.interval_end_at then schedules.activity_ended_at else interval_bounds.interval_end_at end',
                'second') }}
        ) as scheduled_on_queue_seconds
    from interval_bounds
    inner join schedules
        on interval_bounds.site_id = schedules.site_id
        and schedules.activity_started_at < interval_bounds.interval_end_at
        and schedules.activity_ended_at > interval_bounds.interval_start_at
    group by
        interval_bounds.site_id,
        interval_bounds.interval_start_at

),

final as (

    select
        interval_bounds.site_id,
        interval_bounds.interval_start_at,
        interval_bounds.date_local,
        cast(required.required_agents as numeric(28, 6)) as required_agents,
        required.required_agents_unpooled,
        required.required_agents_erlang_a,
        cast(required.scheduled_needed_agents as numeric(28, 6)) as scheduled_needed_agents,
        cast(cast(coalesce(scheduled.scheduled_on_queue_seconds, 0) as {{ dbt.type_numeric() }}) / ({{ var('interval_minutes') }} * 60) as numeric(28, 6)) as scheduled_on_queue_agents,
        cast(cast(coalesce(actual.on_queue_seconds, 0) as {{ dbt.type_numeric() }}) / ({{ var('interval_minutes') }} * 60) as numeric(28, 6)) as available_agents,
        cast(cast(coalesce(actual.logged_in_seconds, 0) as {{ dbt.type_numeric() }}) / ({{ var('interval_minutes') }} * 60) as numeric(28, 6)) as logged_in_agents
    from interval_bounds
    left join required
        on interval_bounds.site_id = required.site_id
        and interval_bounds.interval_start_at = required.interval_start_at
    left join scheduled
        on interval_bounds.site_id = scheduled.site_id
        and interval_bounds.interval_start_at = scheduled.interval_start_at
    left join actual
        on interval_bounds.site_id = actual.site_id
        and interval_bounds.interval_start_at = actual.interval_start_at

)

select * from final
