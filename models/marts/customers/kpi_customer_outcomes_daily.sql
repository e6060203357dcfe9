/*
    One row per local day, channel and queue with customer contacts or surveys.

    Why: every measure is summed from the facts (fct_customer_contacts on the contact's
    day; fct_survey_responses on the day of the contact the survey is about) and every
    ratio recomputed from the sums by macros/kpi/outcome_kpis.sql, the one definition of
    FCR (default window var('fcr_window_days') and each window of var('fcr_windows_days')),
    resolution, repeat contacts, survey response, CSAT, NPS, CES and closed loop.
*/

with

measure_rows as (

    select
        contact_date as kpi_date,
        channel,
        coalesce(queue_id, 'unknown') as queue_id,
        {{ kpi_measure_rows('customer_outcomes', 'contacts') }}
    from {{ ref('fct_customer_contacts') }}

    union all

    select
        contact_date as kpi_date,
        channel,
        queue_id,
        {{ kpi_measure_rows('customer_outcomes', 'surveys') }}
    from {{ ref('fct_survey_responses') }}

),

aggregated as (

    select
        kpi_date,
        channel,
        queue_id,
        {{ kpi_measure_sums('customer_outcomes') }}
    from measure_rows
    group by kpi_date, channel, queue_id

),

final as (

    select
        -- keys
        kpi_date,
        channel,
        queue_id,

        -- counts, then ratios with their numerators and denominators
        {{ kpi_final_columns('customer_outcomes') }}

    from aggregated

)

select * from final
