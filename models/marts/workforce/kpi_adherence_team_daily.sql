{#-
    Adherence, conformance and schedule shrinkage per team and local day: the sums of the
    agents' additive seconds (kpi_adherence_agent_daily), ratios recomputed from the sums
    (never an average of the agents' ratios).
-#}

with

agent_daily as (

    select * from {{ ref('kpi_adherence_agent_daily') }}

),

summed as (

    select
        coalesce(team, '(no team)') as team,
        site_id,
        date_local,
        count(*) as agents_measured,
        sum(scheduled_seconds) as scheduled_seconds,
        sum(scheduled_on_queue_seconds) as scheduled_on_queue_seconds,
        sum(planned_activity_seconds) as planned_activity_seconds,
        sum(in_adherence_seconds) as in_adherence_seconds,
        sum(out_of_adherence_seconds) as out_of_adherence_seconds,
        sum(out_of_shift_seconds) as out_of_shift_seconds,
        sum(logged_in_seconds) as logged_in_seconds,
        sum(on_queue_seconds) as on_queue_seconds,
        sum(unplanned_off_queue_seconds) as unplanned_off_queue_seconds
    from agent_daily
    group by
        coalesce(team, '(no team)'),
        site_id,
        date_local

),

final as (

    select
        team,
        site_id,
        date_local,
        agents_measured,
        scheduled_seconds,
        scheduled_on_queue_seconds,
        planned_activity_seconds,
        in_adherence_seconds,
        out_of_adherence_seconds,
        out_of_shift_seconds,
        logged_in_seconds,
        on_queue_seconds,
        unplanned_off_queue_seconds,
        {{ contact_center.ratio('in_adherence_seconds', 'scheduled_seconds') }} as adherence,
        in_adherence_seconds as adherence_numerator,
        scheduled_seconds as adherence_denominator,
        {{ contact_center.ratio('in_adherence_seconds', 'scheduled_seconds + out_of_shift_seconds') }} as adherence_with_out_of_shift,
        in_adherence_seconds as adherence_with_out_of_shift_numerator,
        scheduled_seconds + out_of_shift_seconds as adherence_with_out_of_shift_denominator,
        {{ contact_center.ratio('on_queue_seconds', 'scheduled_on_queue_seconds') }} as conformance,
        on_queue_seconds as conformance_numerator,
        scheduled_on_queue_seconds as conformance_denominator,
        {{ contact_center.ratio('planned_activity_seconds', 'scheduled_seconds') }} as planned_shrinkage,
        planned_activity_seconds as planned_shrinkage_numerator,
        scheduled_seconds as planned_shrinkage_denominator,
        {{ contact_center.ratio('unplanned_off_queue_seconds', 'scheduled_seconds') }} as unplanned_shrinkage,
        unplanned_off_queue_seconds as unplanned_shrinkage_numerator,
        scheduled_seconds as unplanned_shrinkage_denominator
    from summed

)

select * from final
