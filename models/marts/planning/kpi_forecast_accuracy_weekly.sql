{#-
    Forecast accuracy per queue and week (Monday start, local days): interval WAPE
    Σ|F − A| / ΣA over the week's intervals, weekly WAPE |ΣF − ΣA| / ΣA and bias
    Σ(F − A) / ΣA, for the chosen model, the seasonal-naive baseline and the WFM forecast.
    The KPIs are defined once in macros/kpi/forecast_accuracy.sql.
-#}

with

paired as (

    select * from {{ ref('int_forecasts_paired_with_actuals') }}

),

{{ contact_center.forecast_accuracy_ctes('paired', "cast(" ~ dbt.date_trunc('week', 'date_local') ~ " as date)", 'week_start_date', 'weekly') }}

select * from final
