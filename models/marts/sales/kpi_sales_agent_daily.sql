/*
    One row per local day and agent with handled contacts, leads first called or closed
    opportunities.

    Why: sales per agent and revenue per contact put an agent's closed sales over the
    contacts they handled that day (any queue); leads count for the agent who first called
    them, on the day they were submitted. Measures and ratios from
    macros/kpi/outcome_kpis.sql.
*/

with

measure_rows as (

    select
        submitted_date as kpi_date,
        agent_id,
        {{ kpi_measure_rows('agent_sales', 'leads') }}
    from {{ ref('fct_leads') }}
    where agent_id is not null

    union all

    select
        closed_date as kpi_date,
        agent_id,
        {{ kpi_measure_rows('agent_sales', 'agent_sales') }}
    from {{ ref('fct_sales') }}
    where is_closed and agent_id is not null

    union all

    select
        contact_date as kpi_date,
        agent_id,
        {{ kpi_measure_rows('agent_sales', 'contacts') }}
    from {{ ref('fct_customer_contacts') }}
    where is_handled and agent_id is not null

),

aggregated as (

    select
        kpi_date,
        agent_id,
        {{ kpi_measure_sums('agent_sales') }}
    from measure_rows
    group by kpi_date, agent_id

),

final as (

    select
        -- keys
        kpi_date,
        agent_id,

        -- counts, then ratios with their numerators and denominators
        {{ kpi_final_columns('agent_sales') }}

    from aggregated

)

select * from final
