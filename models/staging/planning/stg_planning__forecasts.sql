with

source as (

    select * from {{ source('raw_planning', 'forecasts') }}

),

final as (

    select
        {{ contact_center.surrogate_key(['run_id', 'model', 'queue_id', 'interval_start_at']) }} as forecast_snapshot_id,
        run_id,
        run_kind,
        made_at,
        origin_date,
        queue_id,
        site_id,
        date_local,
        interval_start_local,
        interval_start_at,
        interval_minutes,
        model,
        is_selected,
        cast(forecast_calls as {{ dbt.type_numeric() }}) as forecast_calls,
        cast(forecast_aht_seconds as {{ dbt.type_numeric() }}) as forecast_aht_seconds,
        cast(service_level_target as {{ dbt.type_numeric() }}) as service_level_target,
        threshold_seconds,
        cast(max_occupancy as {{ dbt.type_numeric() }}) as max_occupancy,
        cast(patience_seconds as {{ dbt.type_numeric() }}) as patience_seconds,
        cast(shrinkage as {{ dbt.type_numeric() }}) as shrinkage,
        cast(offered_load as {{ dbt.type_numeric() }}) as offered_load,
        required_agents,
        required_agents_erlang_a,
        scheduled_agents_needed,
        cast(predicted_service_level as {{ dbt.type_numeric() }}) as predicted_service_level,
        cast(predicted_service_level_erlang_a as {{ dbt.type_numeric() }}) as predicted_service_level_erlang_a,
        trunks_required,
        staffing_group_id,
        cast(group_required_agents as {{ dbt.type_numeric() }}) as group_required_agents,
        cast(group_scheduled_agents_needed as {{ dbt.type_numeric() }}) as group_scheduled_agents_needed,
        cast(group_predicted_service_level as {{ dbt.type_numeric() }}) as group_predicted_service_level
    from source

)

select * from final
