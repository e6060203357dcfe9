/*
    One row per local day a case was opened, category and queue (of the opening contact).

    Why: cases count on the day they were opened, so a day's case-based FCR, resolution
    and reopen rates describe that day's cases (they move while the cases are worked);
    measures and ratios from macros/kpi/outcome_kpis.sql.
*/

with

measure_rows as (

    select
        opened_date as kpi_date,
        coalesce(category, 'unknown') as category,
        coalesce(queue_id, 'unknown') as queue_id,
        {{ kpi_measure_rows('cases', 'cases') }}
    from {{ ref('fct_cases') }}

),

aggregated as (

    select
        kpi_date,
        category,
        queue_id,
        {{ kpi_measure_sums('cases') }}
    from measure_rows
    group by kpi_date, category, queue_id

),

final as (

    select
        -- keys
        kpi_date,
        category,
        queue_id,

        -- counts, then ratios with their numerators and denominators
        {{ kpi_final_columns('cases') }}

    from aggregated

)

select * from final
