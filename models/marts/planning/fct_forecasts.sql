{#-
    Every forecast snapshot per queue and interval, from three sources:
    - 'model': the queue's chosen model (rolling-origin backtest, orchestration/planning),
    - 'baseline': seasonal naive (same interval of the same weekday a week before),
    - 'wfm': the forecast the WFM tool published (stg_wfm__forecasts).
    A seasonal-naive queue appears as both 'model' and 'baseline'. made_at says when each
    forecast was made; accuracy uses the one in force before the day (int_forecasts_paired_with_actuals).
-#}

with

model_forecasts as (

    select * from {{ ref('stg_planning__forecasts') }}

),

wfm_forecasts as (

    select * from {{ ref('stg_wfm__forecasts') }}

),

queues as (

    select * from {{ ref('dim_queues') }}

),

unioned as (

    {#- the chosen model's forecast and the seasonal-naive baseline's (the same rows when
        seasonal naive is the chosen model: both are kept, one per source) -#}
    {%- for source, condition in [('model', 'is_selected'), ('baseline', "model = 'seasonal_naive'")] %}
    select
        '{{ source }}' as forecast_source,
        model,
        run_kind,
        made_at,
        queue_id,
        interval_start_at,
        forecast_calls,
        forecast_aht_seconds,
        required_agents,
        required_agents_erlang_a,
        scheduled_agents_needed,
        predicted_service_level,
        predicted_service_level_erlang_a,
        trunks_required,
        staffing_group_id,
        group_required_agents,
        group_scheduled_agents_needed,
        group_predicted_service_level
    from model_forecasts
    where {{ condition }}

    union all

    {% endfor %}
    select
        'wfm' as forecast_source,
        'wfm_published' as model,
        'published' as run_kind,
        forecast_made_at as made_at,
        queue_id,
        interval_start_at,
        forecast_calls,
        forecast_aht_seconds,
        cast(null as {{ dbt.type_int() }}) as required_agents,
        cast(null as {{ dbt.type_int() }}) as required_agents_erlang_a,
        cast(null as {{ dbt.type_int() }}) as scheduled_agents_needed,
        cast(null as {{ dbt.type_numeric() }}) as predicted_service_level,
        cast(null as {{ dbt.type_numeric() }}) as predicted_service_level_erlang_a,
        cast(null as {{ dbt.type_int() }}) as trunks_required,
        cast(null as {{ dbt.type_string() }}) as staffing_group_id,
        cast(null as {{ dbt.type_numeric() }}) as group_required_agents,
        cast(null as {{ dbt.type_numeric() }}) as group_scheduled_agents_needed,
        cast(null as {{ dbt.type_numeric() }}) as group_predicted_service_level
    from wfm_forecasts

),

final as (

    select
        -- ids
        {{ contact_center.surrogate_key(['unioned.forecast_source', 'unioned.queue_id', 'unioned.interval_start_at', 'unioned.made_at']) }} as forecast_id,
        unioned.forecast_source,
        unioned.model,
        unioned.run_kind,
        unioned.queue_id,
        queues.site_id,

        -- timestamps
        unioned.made_at,
        unioned.interval_start_at,
        {{ contact_center.utc_to_local('unioned.interval_start_at', "coalesce(queues.time_zone, 'UTC')") }} as interval_start_local,

        -- local days
        cast({{ contact_center.utc_to_local('unioned.interval_start_at', "coalesce(queues.time_zone, 'UTC')") }} as date) as date_local,
        cast({{ contact_center.utc_to_local('unioned.made_at', "coalesce(queues.time_zone, 'UTC')") }} as date) as made_date_local,

        -- forecast
        unioned.forecast_calls,
        unioned.forecast_aht_seconds,

        -- staffing
        unioned.required_agents,
        unioned.required_agents_erlang_a,
        unioned.scheduled_agents_needed,
        unioned.predicted_service_level,
        unioned.predicted_service_level_erlang_a,
        unioned.trunks_required,

        -- pooled staffing of the queues sharing agents (D150)
        unioned.staffing_group_id,
        unioned.group_required_agents,
        unioned.group_scheduled_agents_needed,
        unioned.group_predicted_service_level

    from unioned
    left join queues
        on unioned.queue_id = queues.queue_id

)

select * from final
