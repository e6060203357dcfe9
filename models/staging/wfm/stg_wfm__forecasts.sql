{#-
    One row per queue, interval and forecast made_at: every published forecast is kept (a
    snapshot), because forecast accuracy is measured against the forecast as it was when
    the schedule was made. A file loaded twice with the same made_at keeps its latest line.
-#}

with

source as (

    select * from {{ source('raw_wfm', 'forecasts') }}

),

ranked as (

    select
        trim(queue) as queue_id,
        interval_start as interval_start_at,
        interval_minutes,
        forecast_calls,
        forecast_aht_seconds,
        forecast_made_at,
        nullif(trim(forecast_version), '') as forecast_version,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by trim(queue), interval_start, forecast_made_at
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        queue_id,
        interval_start_at,
        interval_minutes,
        cast(forecast_calls as {{ dbt.type_numeric() }}) as forecast_calls,
        cast(forecast_aht_seconds as {{ dbt.type_numeric() }}) as forecast_aht_seconds,
        forecast_made_at,
        forecast_version,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
