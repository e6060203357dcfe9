{#-
    Forecast accuracy per queue and week (Monday start, local days): interval WAPE
    Σ|F − A| / ΣA over the week's intervals, weekly WAPE |ΣF − ΣA| / ΣA and bias
    Σ(F − A) / ΣA, for the chosen model, the seasonal-naive baseline and the WFM forecast.
-#}

{% set sources = ['model', 'baseline', 'wfm'] %}

with

paired as (

    select * from {{ ref('int_forecasts_paired_with_actuals') }}

),

queue_weeks as (

    select
        forecast_source,
        queue_id,
        cast({{ dbt.date_trunc('week', 'date_local') }} as date) as week_start_date,
        sum(forecast_calls) as forecast_calls,
        sum(actual_calls) as actual_calls,
        sum(abs(forecast_calls - actual_calls)) as abs_error_calls,
        sum(forecast_calls - actual_calls) as error_calls
    from paired
    group by
        forecast_source,
        queue_id,
        cast({{ dbt.date_trunc('week', 'date_local') }} as date)

),

final as (

    select
        queue_id,
        week_start_date,
        {% for s in sources %}
        cast(sum(case when forecast_source = '{{ s }}' then forecast_calls end) as numeric(28, 6)) as {{ s }}_forecast_calls,
        cast(sum(case when forecast_source = '{{ s }}' then actual_calls end) as numeric(28, 6)) as {{ s }}_actual_calls,
        {{ contact_center.ratio("sum(case when forecast_source = '" ~ s ~ "' then abs_error_calls end)", "sum(case when forecast_source = '" ~ s ~ "' then actual_calls end)") }} as {{ s }}_wape_interval,
        cast(sum(case when forecast_source = '{{ s }}' then abs_error_calls end) as numeric(28, 6)) as {{ s }}_wape_interval_numerator,
        cast(sum(case when forecast_source = '{{ s }}' then actual_calls end) as numeric(28, 6)) as {{ s }}_wape_interval_denominator,
        {{ contact_center.ratio("abs(sum(case when forecast_source = '" ~ s ~ "' then error_calls end))", "sum(case when forecast_source = '" ~ s ~ "' then actual_calls end)") }} as {{ s }}_wape_weekly,
        cast(abs(sum(case when forecast_source = '{{ s }}' then error_calls end)) as numeric(28, 6)) as {{ s }}_wape_weekly_numerator,
        cast(sum(case when forecast_source = '{{ s }}' then actual_calls end) as numeric(28, 6)) as {{ s }}_wape_weekly_denominator,
        {{ contact_center.ratio("sum(case when forecast_source = '" ~ s ~ "' then error_calls end)", "sum(case when forecast_source = '" ~ s ~ "' then actual_calls end)") }} as {{ s }}_bias,
        cast(sum(case when forecast_source = '{{ s }}' then error_calls end) as numeric(28, 6)) as {{ s }}_bias_numerator,
        cast(sum(case when forecast_source = '{{ s }}' then actual_calls end) as numeric(28, 6)) as {{ s }}_bias_denominator{% if not loop.last %},{% endif %}
        {% endfor %}
    from queue_weeks
    group by
        queue_id,
        week_start_date

)

select * from final
