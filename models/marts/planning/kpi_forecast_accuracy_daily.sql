{#-
    Forecast accuracy per queue and local day for three forecasts side by side: the chosen
    model, the seasonal-naive baseline and the WFM tool's published forecast (each as in
    force before the day, int_forecasts_paired_with_actuals). Interval WAPE = Σ|F − A| over
    the day's intervals / ΣA; daily WAPE = |ΣF − ΣA| / ΣA (errors of intervals cancel within
    the day); bias = Σ(F − A) / ΣA (positive: over-forecast). A source with no forecast for
    the day has NULL columns. The KPIs are defined once in macros/kpi/forecast_accuracy.sql.
-#}

with

paired as (

    select * from {{ ref('int_forecasts_paired_with_actuals') }}

),

{{ contact_center.forecast_accuracy_ctes('paired', 'date_local', 'date_local', 'daily') }}

select * from final
