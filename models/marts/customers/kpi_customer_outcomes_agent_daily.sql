/*
    One row per local day and agent with customer contacts or surveys attributed to them
    (a contact's last answering agent; a survey's contact's agent).

    Why: the same measures and ratios as kpi_customer_outcomes_daily
    (macros/kpi/outcome_kpis.sql), summed per agent instead of per queue.
*/

with

measure_rows as (

    select
        contact_date as kpi_date,
        agent_id,
        {{ kpi_measure_rows('customer_outcomes', 'contacts') }}
    from {{ ref('fct_customer_contacts') }}
    where agent_id is not null

    union all

    select
        contact_date as kpi_date,
        agent_id,
        {{ kpi_measure_rows('customer_outcomes', 'surveys') }}
    from {{ ref('fct_survey_responses') }}
    where agent_id is not null

),

aggregated as (

    select
        kpi_date,
        agent_id,
        {{ kpi_measure_sums('customer_outcomes') }}
    from measure_rows
    group by kpi_date, agent_id

),

final as (

    select
        -- keys
        kpi_date,
        agent_id,

        -- counts, then ratios with their numerators and denominators
        {{ kpi_final_columns('customer_outcomes') }}

    from aggregated

)

select * from final
