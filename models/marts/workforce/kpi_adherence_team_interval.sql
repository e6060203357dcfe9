{#-
    Schedule adherence per team and reporting interval: the sums of the agents' seconds
    (kpi_adherence_agent_interval), the ratio recomputed from the sums.
-#}

with

agent_interval as (

    select * from {{ ref('kpi_adherence_agent_interval') }}

),

summed as (

    select
        coalesce(team, '(no team)') as team,
        site_id,
        interval_start_at,
        min(interval_start_local) as interval_start_local,
        min(date_local) as date_local,
        count(*) as agents_measured,
        sum(scheduled_seconds) as scheduled_seconds,
        sum(scheduled_on_queue_seconds) as scheduled_on_queue_seconds,
        sum(planned_activity_seconds) as planned_activity_seconds,
        sum(in_adherence_seconds) as in_adherence_seconds,
        sum(out_of_adherence_seconds) as out_of_adherence_seconds,
        sum(out_of_shift_seconds) as out_of_shift_seconds,
        sum(logged_in_seconds) as logged_in_seconds,
        sum(on_queue_seconds) as on_queue_seconds
    from agent_interval
    group by
        coalesce(team, '(no team)'),
        site_id,
        interval_start_at

),

final as (

    select
        -- ids
        team,
        site_id,
        interval_start_at,
        interval_start_local,
        date_local,

        -- measures (seconds)
        agents_measured,
        scheduled_seconds,
        scheduled_on_queue_seconds,
        planned_activity_seconds,
        in_adherence_seconds,
        out_of_adherence_seconds,
        out_of_shift_seconds,
        logged_in_seconds,
        on_queue_seconds,

        -- adherence in the interval
        {{ contact_center.ratio('in_adherence_seconds', 'scheduled_seconds') }} as interval_adherence,
        in_adherence_seconds as interval_adherence_numerator,
        scheduled_seconds as interval_adherence_denominator

    from summed

)

select * from final
