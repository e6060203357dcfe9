{#-
    Plan against actual per queue and interval: the chosen model's forecast in force before
    the day (calls, AHT) and the Erlang staffing computed from it (required agents on the
    phones by Erlang C and Erlang A, agents to schedule after shrinkage, the service level
    Erlang C predicts at the required staff) next to what happened (calls offered, AHT,
    service level achieved, from kpi_queue_interval). Every interval with calls has a row
    (plan columns NULL where no forecast was in force); intervals after the last day with
    calls carry the latest production forecast (is_future, actual columns NULL), so the
    same table shows the staffing plan for the coming days. Agents scheduled and actually
    available are per site (agents serve several queues): kpi_staffing_interval.
-#}

with

paired as (

    select * from {{ ref('int_forecasts_paired_with_actuals') }}
    where forecast_source = 'model'

),

forecasts as (

    select * from {{ ref('fct_forecasts') }}

),

actuals as (

    select * from {{ ref('kpi_queue_interval') }}

),

last_actual_day as (

    select max(date_local) as date_local from actuals

),

future_ranked as (

    select
        forecasts.*,
        row_number() over (
            partition by forecasts.queue_id, forecasts.interval_start_at
            order by forecasts.made_at desc
        ) as snapshot_rank
    from forecasts
    where forecasts.forecast_source = 'model'
        and forecasts.run_kind = 'production'
        and forecasts.date_local > (select date_local from last_actual_day)

),

plan as (

    select
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
        false as is_future
    from paired

    union all

    select
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
        true as is_future
    from future_ranked
    where snapshot_rank = 1

),

keys as (

    select queue_id, interval_start_at, date_local from plan
    union
    select queue_id, interval_start_at, date_local from actuals

),

final as (

    select
        -- ids
        keys.queue_id,
        coalesce(actuals.site_id, queues.site_id) as site_id,
        keys.interval_start_at,
        keys.date_local,
        coalesce(plan.is_future, false) as is_future,

        -- forecast and staffing (plan)
        plan.made_at as forecast_made_at,
        cast(plan.forecast_calls as numeric(28, 6)) as forecast_calls,
        cast(plan.forecast_aht_seconds as numeric(28, 6)) as forecast_aht_seconds,
        plan.required_agents,
        plan.required_agents_erlang_a,
        plan.scheduled_agents_needed,
        cast(plan.predicted_service_level as numeric(28, 6)) as predicted_service_level,

        -- pooled staffing: the queue's load share of its staffing group's agents (D150)
        plan.staffing_group_id,
        cast(plan.group_required_agents as numeric(28, 6)) as group_required_agents,
        cast(plan.group_scheduled_agents_needed as numeric(28, 6)) as group_scheduled_agents_needed,
        cast(plan.group_predicted_service_level as numeric(28, 6)) as group_predicted_service_level,

        -- actual (NULL in the future)
        case when coalesce(plan.is_future, false) then null else coalesce(actuals.calls_offered, 0) end as calls_offered,
        case when coalesce(plan.is_future, false) then null else coalesce(actuals.calls_handled, 0) end as calls_handled,
        case when coalesce(plan.is_future, false) then null else coalesce(actuals.handle_seconds, 0) end as handle_seconds,
        {{ contact_center.average('actuals.handle_seconds', 'actuals.calls_handled') }} as actual_aht_seconds,
        case when coalesce(plan.is_future, false) then null else coalesce(actuals.service_level_numerator, 0) end as calls_answered_within_threshold,
        case when coalesce(plan.is_future, false) then null else coalesce(actuals.service_level_denominator, 0) end as service_level_calls,
        actuals.service_level as achieved_service_level,

        -- differences
        cast(plan.forecast_calls - coalesce(actuals.calls_offered, 0) as numeric(28, 6)) as forecast_error_calls

    from keys
    left join plan
        on keys.queue_id = plan.queue_id
        and keys.interval_start_at = plan.interval_start_at
    left join actuals
        on keys.queue_id = actuals.queue_id
        and keys.interval_start_at = actuals.interval_start_at
    left join {{ ref('dim_queues') }} as queues
        on keys.queue_id = queues.queue_id

)

select * from final
