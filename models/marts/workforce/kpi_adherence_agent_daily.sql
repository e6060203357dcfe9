{#-
    Schedule adherence and conformance per agent and local day: the published schedule
    (fct_schedules) against what the agent did (fct_agent_states).

    Why overlaps: the plan is a set of activity windows (a shift, and planned activities
    inside it), the actual timeline is a set of state rows; both are time ranges, so every
    measure is a sum of overlap seconds between the two (greatest of the starts, least of
    the ends), which needs no per-second spine.

    - on queue (actual) = states available, on_contact, acw; the agent can take calls.
    - scheduled on-queue time = shift time minus the planned activities inside the shift.
    - in adherence: on queue while scheduled on queue, or off queue (paused or logged
      out) during a planned activity. Everything else in the scheduled time is out of
      adherence (late login, early logout, unplanned pauses, overrun breaks, absence,
      taking calls during a scheduled meeting).
    - out-of-shift work: logged-in time outside every shift of the day. Adherence counts it
      as an exception or not (KPIS.md: 1 - 20/70 vs 1 - 10/60); both are published.
    - conformance = on-queue seconds (all day, in or out of shift) / scheduled on-queue
      seconds; it may exceed 100 %.
    - planned shrinkage = planned activities / scheduled; unplanned shrinkage = scheduled
      on-queue time the agent was not on queue / scheduled.

    Schedules and states meet on the local day: a shift's overlaps count on its
    schedule_date, logged-in time on its state_date (shifts do not cross midnight here).
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

scheduled_daily as (

    select
        agent_id,
        schedule_date as date_local,
        cast({{ contact_center.sum_where('activity_seconds', "activity = 'shift'") }} as {{ dbt.type_bigint() }}) as scheduled_seconds,
        cast({{ contact_center.sum_where('activity_seconds', "activity <> 'shift'") }} as {{ dbt.type_bigint() }}) as planned_activity_seconds
    from schedules
    group by
        agent_id,
        schedule_date

),

-- every overlap of a state row with a scheduled activity (a shift or a planned activity
-- inside it), counted on the activity's schedule day
state_overlaps as (

    select
        agent_states.agent_id,
        schedules.schedule_date as date_local,
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

overlap_daily as (

    select
        agent_id,
        date_local,
        {{ contact_center.adherence_overlap_sums() }}
    from state_overlaps
    group by
        agent_id,
        date_local

),

states_daily as (

    select
        agent_id,
        state_date as date_local,
        {{ contact_center.adherence_state_sums() }}
    from agent_states
    group by
        agent_id,
        state_date

),

agent_days as (

    select agent_id, date_local from scheduled_daily
    union
    select agent_id, date_local from states_daily

),

measured as (

    select
        agent_days.agent_id,
        agent_days.date_local,
        {{ contact_center.adherence_measures('scheduled_daily', 'overlap_daily', 'states_daily') }},
        coalesce(scheduled_daily.scheduled_seconds, 0)
            - coalesce(scheduled_daily.planned_activity_seconds, 0) as scheduled_on_queue_seconds
    from agent_days
    {{ contact_center.adherence_measure_joins('agent_days', 'date_local', 'scheduled_daily', 'overlap_daily', 'states_daily') }}

),

final as (

    select
        -- ids
        measured.agent_id,
        coalesce(agents.site_id, '{{ var("default_site_id") }}') as site_id,
        measured.date_local,

        -- attributes
        agents.team,

        -- measures (seconds)
        measured.scheduled_seconds,
        measured.scheduled_on_queue_seconds,
        measured.planned_activity_seconds,
        measured.on_queue_as_scheduled_seconds + measured.off_queue_as_scheduled_seconds as in_adherence_seconds,
        measured.scheduled_seconds
            - measured.on_queue_as_scheduled_seconds
            - measured.off_queue_as_scheduled_seconds as out_of_adherence_seconds,
        measured.out_of_shift_seconds,
        measured.logged_in_seconds,
        measured.on_queue_seconds,
        measured.scheduled_on_queue_seconds - measured.on_queue_as_scheduled_seconds as unplanned_off_queue_seconds,

        -- adherence (default: work outside the shift is not an exception)
        {{ contact_center.ratio(
            'measured.on_queue_as_scheduled_seconds + measured.off_queue_as_scheduled_seconds',
            'measured.scheduled_seconds') }} as adherence,
        measured.on_queue_as_scheduled_seconds + measured.off_queue_as_scheduled_seconds as adherence_numerator,
        measured.scheduled_seconds as adherence_denominator,

        -- adherence counting out-of-shift work as an exception
        {{ contact_center.ratio(
            'measured.on_queue_as_scheduled_seconds + measured.off_queue_as_scheduled_seconds',
            'measured.scheduled_seconds + measured.out_of_shift_seconds') }} as adherence_with_out_of_shift,
        measured.on_queue_as_scheduled_seconds + measured.off_queue_as_scheduled_seconds as adherence_with_out_of_shift_numerator,
        measured.scheduled_seconds + measured.out_of_shift_seconds as adherence_with_out_of_shift_denominator,

        -- conformance
        {{ contact_center.ratio('measured.on_queue_seconds', 'measured.scheduled_on_queue_seconds') }} as conformance,
        measured.on_queue_seconds as conformance_numerator,
        measured.scheduled_on_queue_seconds as conformance_denominator,

        -- shrinkage from the schedule
        {{ contact_center.ratio('measured.planned_activity_seconds', 'measured.scheduled_seconds') }} as planned_shrinkage,
        measured.planned_activity_seconds as planned_shrinkage_numerator,
        measured.scheduled_seconds as planned_shrinkage_denominator,
        {{ contact_center.ratio(
            'measured.scheduled_on_queue_seconds - measured.on_queue_as_scheduled_seconds',
            'measured.scheduled_seconds') }} as unplanned_shrinkage,
        measured.scheduled_on_queue_seconds - measured.on_queue_as_scheduled_seconds as unplanned_shrinkage_numerator,
        measured.scheduled_seconds as unplanned_shrinkage_denominator

    from measured
    left join agents
        on measured.agent_id = agents.agent_id

)

select * from final
