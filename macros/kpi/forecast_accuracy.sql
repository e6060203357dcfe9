{#-
    Forecast accuracy KPIs, defined once for every grain (kpi_forecast_accuracy_daily,
    _weekly): for each forecast source (the chosen model, the seasonal-naive baseline, the
    WFM tool's published forecast; int_forecasts_paired_with_actuals, as in force before
    the day) per queue and period:
    - interval WAPE = Σ|F − A| over the period's intervals / ΣA;
    - period WAPE = |ΣF − ΣA| / ΣA (interval errors cancel within the period), named
      `<source>_wape_<period_suffix>`;
    - bias = Σ(F − A) / ΣA (positive: over-forecast);
    each with its additive numerator and denominator; a source that did not forecast the
    period has NULL columns. The sources are columns of one row (D84).

    forecast_accuracy_ctes(paired, period_expr, period_column, period_suffix) writes the
    CTEs `queue_periods` and `final` after the model's import CTE `paired`:
    period_expr is the SQL that maps date_local to the period, period_column its name.
-#}
{% macro forecast_accuracy_ctes(paired, period_expr, period_column, period_suffix) -%}
{%- set sources = ['model', 'baseline', 'wfm'] -%}
queue_periods as (

    select
        forecast_source,
        queue_id,
        {{ period_expr }} as {{ period_column }},
        sum(forecast_calls) as forecast_calls,
        sum(actual_calls) as actual_calls,
        sum(abs(forecast_calls - actual_calls)) as abs_error_calls,
        sum(forecast_calls - actual_calls) as error_calls
    from {{ paired }}
    group by
        forecast_source,
        queue_id,
        {{ period_expr }}

),

final as (

    select
        queue_id,
        {{ period_column }},
        {% for s in sources %}
        {%- set only = "case when forecast_source = '" ~ s ~ "' then " -%}
        cast(sum({{ only }}forecast_calls end) as numeric(28, 6)) as {{ s }}_forecast_calls,
        cast(sum({{ only }}actual_calls end) as numeric(28, 6)) as {{ s }}_actual_calls,
        {{ contact_center.ratio("sum(" ~ only ~ "abs_error_calls end)", "sum(" ~ only ~ "actual_calls end)") }} as {{ s }}_wape_interval,
        cast(sum({{ only }}abs_error_calls end) as numeric(28, 6)) as {{ s }}_wape_interval_numerator,
        cast(sum({{ only }}actual_calls end) as numeric(28, 6)) as {{ s }}_wape_interval_denominator,
        {{ contact_center.ratio("abs(sum(" ~ only ~ "error_calls end))", "sum(" ~ only ~ "actual_calls end)") }} as {{ s }}_wape_{{ period_suffix }},
        cast(abs(sum({{ only }}error_calls end)) as numeric(28, 6)) as {{ s }}_wape_{{ period_suffix }}_numerator,
        cast(sum({{ only }}actual_calls end) as numeric(28, 6)) as {{ s }}_wape_{{ period_suffix }}_denominator,
        {{ contact_center.ratio("sum(" ~ only ~ "error_calls end)", "sum(" ~ only ~ "actual_calls end)") }} as {{ s }}_bias,
        cast(sum({{ only }}error_calls end) as numeric(28, 6)) as {{ s }}_bias_numerator,
        cast(sum({{ only }}actual_calls end) as numeric(28, 6)) as {{ s }}_bias_denominator{% if not loop.last %},{% endif %}
        {% endfor %}
    from queue_periods
    group by
        queue_id,
        {{ period_column }}

)
{%- endmacro %}
