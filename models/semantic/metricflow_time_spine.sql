/*
    One row per calendar day: MetricFlow's time spine (the dbt semantic layer joins metrics
    to it for time-based queries). dim_date already is a portable day spine over the data's
    range plus a margin (macros/spines), so the time spine is a view of its day column.
*/

with

dates as (

    select * from {{ ref('dim_date') }}

),

final as (

    select cast(date_day as date) as date_day
    from dates

)

select * from final
