{#-
    Forecast accuracy per queue and local day for three forecasts side by side: the chosen
    model, the seasonal-naive baseline and the WFM tool's published forecast (each as in
    force before the day, int_forecasts_paired_with_actuals). Interval WAPE = Σ|F − A| over
    the day's intervals / ΣA; daily WAPE = |ΣF − ΣA| / ΣA (errors of intervals cancel within
    the day); bias = Σ(F − A) / ΣA (positive: over-forecast). A source with no forecast for
    the day has NULL columns.
-#}

{% set sources = ['model', 'baseline', 'wfm'] %}

with

paired as (

    select * from {{ ref('int_forecasts_paired_with_actuals') }}

),

queue_days as (

    select
        forecast_source,
        queue_id,
        date_local,
        sum(forecast_calls) as forecast_calls,
        sum(actual_calls) as actual_calls,
        sum(abs(forecast_calls - actual_calls)) as abs_error_calls,
        sum(forecast_calls - actual_calls) as error_calls
    from paired
    group by
        forecast_source,
        queue_id,
        date_local

),

final as (

    select
        queue_id,
        date_local,
        {% for s in sources %}
        cast(sum(case when forecast_source = '{{ s }}' then forecast_calls end) as numeric(28, 6)) as {{ s }}_forecast_calls,
        cast(sum(case when forecast_source = '{{ s }}' then actual_calls end) as numeric(28, 6)) as {{ s }}_actual_calls,
        {{ contact_center.ratio("sum(case when forecast_source = '" ~ s ~ "' then abs_error_calls end)", "sum(case when forecast_source = '" ~ s ~ "' then actual_calls end)") }} as {{ s }}_wape_interval,
        cast(sum(case when forecast_source = '{{ s }}' then abs_error_calls end) as numeric(28, 6)) as {{ s }}_wape_interval_numerator,
        cast(sum(case when forecast_source = '{{ s }}' then actual_calls end) as numeric(28, 6)) as {{ s }}_wape_interval_denominator,
        {{ contact_center.ratio("abs(sum(case when forecast_source = '" ~ s ~ "' then error_calls end))", "sum(case when forecast_source = '" ~ s ~ "' then actual_calls end)") }} as {{ s }}_wape_daily,
        cast(abs(sum(case when forecast_source = '{{ s }}' then error_calls end)) as numeric(28, 6)) as {{ s }}_wape_daily_numerator,
        cast(sum(case when forecast_source = '{{ s }}' then actual_calls end) as numeric(28, 6)) as {{ s }}_wape_daily_denominator,
        {{ contact_center.ratio("sum(case when forecast_source = '" ~ s ~ "' then error_calls end)", "sum(case when forecast_source = '" ~ s ~ "' then actual_calls end)") }} as {{ s }}_bias,
        cast(sum(case when forecast_source = '{{ s }}' then error_calls end) as numeric(28, 6)) as {{ s }}_bias_numerator,
        cast(sum(case when forecast_source = '{{ s }}' then actual_calls end) as numeric(28, 6)) as {{ s }}_bias_denominator{% if not loop.last %},{% endif %}
        {% endfor %}
    from queue_days
    group by
        queue_id,
        date_local

)

select * from final
