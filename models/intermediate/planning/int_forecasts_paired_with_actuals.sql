{#-
    Forecast and actual calls per source, queue and interval, for the snapshot in force: the
    latest forecast of each source made before the interval's local day (made_date_local <
    date_local), so that accuracy is measured against the forecast as it was when the
    schedule for the day was made, never one made after the fact. Intervals with calls but
    no forecast (and forecasts without calls) count as zero on the other side, on the days
    the source forecast at all.
-#}

with

forecasts as (

    select * from {{ ref('fct_forecasts') }}

),

actuals as (

    select * from {{ ref('kpi_queue_interval') }}

),

last_actual_day as (

    select max(date_local) as date_local from actuals

),

ranked as (

    select
        forecast_source,
        queue_id,
        interval_start_at,
        date_local,
        made_at,
        forecast_calls,
        forecast_aht_seconds,
        required_agents,
        required_agents_erlang_a,
        scheduled_agents_needed,
        predicted_service_level,
        staffing_group_id,
        group_required_agents,
        group_scheduled_agents_needed,
        group_predicted_service_level,
        row_number() over (
            partition by forecast_source, queue_id, interval_start_at
            order by made_at desc
        ) as snapshot_rank
    from forecasts
    where made_date_local < date_local
        and date_local <= (select date_local from last_actual_day)

),

in_force as (

    select * from ranked
    where snapshot_rank = 1

),

covered_days as (

    select distinct
        forecast_source,
        queue_id,
        date_local
    from in_force

),

actuals_on_covered_days as (

    select
        covered_days.forecast_source,
        actuals.queue_id,
        actuals.interval_start_at,
        actuals.date_local,
        actuals.calls_offered
    from covered_days
    inner join actuals
        on covered_days.queue_id = actuals.queue_id
        and covered_days.date_local = actuals.date_local

),

keys as (

    select forecast_source, queue_id, interval_start_at, date_local from in_force
    union
    select forecast_source, queue_id, interval_start_at, date_local from actuals_on_covered_days

),

final as (

    select
        keys.forecast_source,
        keys.queue_id,
        keys.interval_start_at,
        keys.date_local,
        in_force.made_at,
        coalesce(in_force.forecast_calls, 0) as forecast_calls,
        in_force.forecast_aht_seconds,
        in_force.required_agents,
        in_force.required_agents_erlang_a,
        in_force.scheduled_agents_needed,
        in_force.predicted_service_level,
        in_force.staffing_group_id,
        in_force.group_required_agents,
        in_force.group_scheduled_agents_needed,
        in_force.group_predicted_service_level,
        coalesce(actuals_on_covered_days.calls_offered, 0) as actual_calls
    from keys
    left join in_force
        on keys.forecast_source = in_force.forecast_source
        and keys.queue_id = in_force.queue_id
        and keys.interval_start_at = in_force.interval_start_at
    left join actuals_on_covered_days
        on keys.forecast_source = actuals_on_covered_days.forecast_source
        and keys.queue_id = actuals_on_covered_days.queue_id
        and keys.interval_start_at = actuals_on_covered_days.interval_start_at

)

select * from final
