{#-
    Plan against actual per queue and interval: the chosen model's forecast in force before
    the day (calls, AHT) and the Erlang staffing computed from it (required agents on the
    phones by Erlang C and Erlang A, agents to schedule after shrinkage, the service level
    Erlang C predicts at the required staff) next to what happened (calls offered, AHT,
    service level achieved, from kpi_queue_interval). Agents scheduled and actually
    available are per site (agents serve several queues): kpi_staffing_interval.
-#}

with

paired as (

    select * from {{ ref('int_forecasts_paired_with_actuals') }}
    where forecast_source = 'model'

),

actuals as (

    select * from {{ ref('kpi_queue_interval') }}

),

final as (

    select
        -- ids
        paired.queue_id,
        actuals.site_id,
        paired.interval_start_at,
        paired.date_local,
        actuals.interval_start_local,

        -- forecast and staffing (plan)
        paired.made_at as forecast_made_at,
        cast(paired.forecast_calls as numeric(28, 6)) as forecast_calls,
        cast(paired.forecast_aht_seconds as numeric(28, 6)) as forecast_aht_seconds,
        paired.required_agents,
        paired.required_agents_erlang_a,
        paired.scheduled_agents_needed,
        cast(paired.predicted_service_level as numeric(28, 6)) as predicted_service_level,

        -- actual
        paired.actual_calls as calls_offered,
        coalesce(actuals.calls_handled, 0) as calls_handled,
        coalesce(actuals.handle_seconds, 0) as handle_seconds,
        {{ contact_center.average('actuals.handle_seconds', 'actuals.calls_handled') }} as actual_aht_seconds,
        coalesce(actuals.service_level_numerator, 0) as calls_answered_within_threshold,
        coalesce(actuals.service_level_denominator, 0) as service_level_calls,
        actuals.service_level as achieved_service_level,

        -- differences
        cast(paired.forecast_calls - paired.actual_calls as numeric(28, 6)) as forecast_error_calls

    from paired
    left join actuals
        on paired.queue_id = actuals.queue_id
        and paired.interval_start_at = actuals.interval_start_at

)

select * from final
