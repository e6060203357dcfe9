{#-
    Schedule adherence per agent and reporting interval: the daily definition
    (kpi_adherence_agent_daily, D81) cut at the interval bounds, for intraday views
    (heatmaps, the hour the plan broke down).

    Why this shape: agent states are already split at the interval bounds
    (fct_agent_states), so a state's overlap with a shift or a planned activity belongs to
    the state's interval. The schedule is not split: every activity is cut into the
    intervals it covers with a number spine (the first interval is the local interval
    floor of its start, in UTC as the states key it; then one step per interval length),
    and its overlap with each interval is its scheduled time there.

    - in adherence: on queue while scheduled on queue, or off queue during a planned
      activity; the denominator is the scheduled time in the interval (planned activities
      included). Out-of-shift work is reported (out_of_shift_seconds) and not counted, as
      the default daily adherence.
    - date_local is the schedule date of the interval's shift (the state date where no
      shift covers it), so the intervals of a day add up to kpi_adherence_agent_daily's
      numerator and denominator for that agent and day (tested).
-#}

{%- set interval_minutes = var('interval_minutes') -%}

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

schedules_localized as (

    select
        schedules.agent_id,
        schedules.schedule_date,
        schedules.activity,
        schedules.activity_started_at,
        schedules.activity_ended_at,
        {{ contact_center.utc_to_local('schedules.activity_started_at', "coalesce(agents.time_zone, 'UTC')") }} as activity_started_local
    from schedules
    left join agents
        on schedules.agent_id = agents.agent_id

),

schedule_first_interval as (

    select
        agent_id,
        schedule_date,
        activity,
        activity_started_at,
        activity_ended_at,
        {{ contact_center.interval_start_at('activity_started_at', 'activity_started_local') }} as first_interval_start_at
    from schedules_localized

),

schedule_spans as (

    select
        schedule_first_interval.*,
        {{ dbt.datediff('first_interval_start_at', 'activity_ended_at', 'second') }} as seconds_to_end
    from schedule_first_interval

),

schedule_intervals as (

    select
        schedule_spans.agent_id,
        schedule_spans.schedule_date,
        schedule_spans.activity,
        schedule_spans.activity_started_at,
        schedule_spans.activity_ended_at,
        {{ dbt.dateadd('minute', 'spine.n * ' ~ interval_minutes, 'schedule_spans.first_interval_start_at') }} as interval_start_at,
        {{ dbt.dateadd('minute', '(spine.n + 1) * ' ~ interval_minutes, 'schedule_spans.first_interval_start_at') }} as interval_end_at
    from schedule_spans
    -- the intervals the activity reaches (start + n x interval < end), as a comparison of
    -- numbers: DuckDB joins it by range, where the same test on timestamps made it a nested
    -- loop over every activity and all 1,000 numbers (D202)
    inner join {{ contact_center.number_spine(3) }} as spine
        on spine.n * {{ interval_minutes * 60 }} < schedule_spans.seconds_to_end

),

scheduled_interval as (

    select
        agent_id,
        interval_start_at,
        min(schedule_date) as schedule_date,
        cast(sum(
            case when activity = 'shift' then {{ contact_center.overlap_seconds(
                'activity_started_at', 'activity_ended_at', 'interval_start_at', 'interval_end_at') }} else 0 end
        ) as {{ dbt.type_bigint() }}) as scheduled_seconds,
        cast(sum(
            case when activity <> 'shift' then {{ contact_center.overlap_seconds(
                'activity_started_at', 'activity_ended_at', 'interval_start_at', 'interval_end_at') }} else 0 end
        ) as {{ dbt.type_bigint() }}) as planned_activity_seconds
    from schedule_intervals
    group by
        agent_id,
        interval_start_at

),

state_overlaps as (

    {#- each state row lies inside one interval: its overlap with a schedule activity
        counts in that interval -#}
    select
        agent_states.agent_id,
        agent_states.interval_start_at,
        schedules.activity,
        case when agent_states.state in ('available', 'on_contact', 'acw') then 1 else 0 end as is_on_queue,
        {{ contact_center.overlap_seconds(
            'agent_states.state_started_at', 'agent_states.state_ended_at',
            'schedules.activity_started_at', 'schedules.activity_ended_at') }} as overlap_seconds
    from agent_states
    inner join {{ contact_center.schedule_activities_by_match_day('schedules') }} as schedules
        on agent_states.agent_id = schedules.agent_id
        and cast(agent_states.state_started_at as date) = schedules.match_day
        and agent_states.state_started_at < schedules.activity_ended_at
        and agent_states.state_ended_at > schedules.activity_started_at

),

overlap_interval as (

    select
        agent_id,
        interval_start_at,
        {{ contact_center.adherence_overlap_sums() }}
    from state_overlaps
    group by
        agent_id,
        interval_start_at

),

states_interval as (

    select
        agent_id,
        interval_start_at,
        min(state_date) as state_date,
        {{ contact_center.adherence_state_sums() }}
    from agent_states
    group by
        agent_id,
        interval_start_at

),

agent_intervals as (

    select agent_id, interval_start_at from scheduled_interval
    union
    select agent_id, interval_start_at from states_interval

),

measured as (

    select
        agent_intervals.agent_id,
        agent_intervals.interval_start_at,
        coalesce(scheduled_interval.schedule_date, states_interval.state_date) as date_local,
        {{ contact_center.adherence_measures('scheduled_interval', 'overlap_interval', 'states_interval') }}
    from agent_intervals
    {{ contact_center.adherence_measure_joins('agent_intervals', 'interval_start_at', 'scheduled_interval', 'overlap_interval', 'states_interval') }}

),

final as (

    select
        -- ids
        measured.agent_id,
        coalesce(agents.site_id, '{{ var("default_site_id") }}') as site_id,
        measured.interval_start_at,
        {{ contact_center.utc_to_local('measured.interval_start_at', "coalesce(agents.time_zone, 'UTC')") }} as interval_start_local,
        measured.date_local,

        -- attributes
        agents.team,

        -- measures (seconds)
        measured.scheduled_seconds,
        measured.scheduled_seconds - measured.planned_activity_seconds as scheduled_on_queue_seconds,
        measured.planned_activity_seconds,
        measured.on_queue_as_scheduled_seconds + measured.off_queue_as_scheduled_seconds as in_adherence_seconds,
        measured.scheduled_seconds
            - measured.on_queue_as_scheduled_seconds
            - measured.off_queue_as_scheduled_seconds as out_of_adherence_seconds,
        measured.out_of_shift_seconds,
        measured.logged_in_seconds,
        measured.on_queue_seconds,

        -- adherence in the interval (work outside the shift is not an exception)
        {{ contact_center.ratio(
            'measured.on_queue_as_scheduled_seconds + measured.off_queue_as_scheduled_seconds',
            'measured.scheduled_seconds') }} as interval_adherence,
        measured.on_queue_as_scheduled_seconds + measured.off_queue_as_scheduled_seconds as interval_adherence_numerator,
        measured.scheduled_seconds as interval_adherence_denominator

    from measured
    left join agents
        on measured.agent_id = agents.agent_id

)

select * from final
