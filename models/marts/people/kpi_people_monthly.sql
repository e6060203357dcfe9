/*
    One row per team, site and calendar month of the HR roster history.

    KPIS.md: attrition = agents leaving in the period / average headcount, annualized.
    - headcount on a day = employments with hire_date <= day and (no leave_date or
      leave_date >= day): the leave date is the last day employed;
    - average headcount of a month = (headcount on its first day + headcount on its last
      day) / 2 (DECISIONS.md D105);
    - leavers = employments whose leave_date falls in the month (voluntary and
      involuntary both count; the voluntary ones are also reported alone); joiners =
      hire_date in the month;
    - monthly attrition = leavers / average headcount; annualized = monthly × 12. Over
      several months: Σ leavers / mean of the monthly average headcounts (× 12 / months).
    Months run from the first month with a leaver or a contact to the last month with an
    HR event or a contact; a team appears in a month when it had anyone employed or leaving.
*/

with

employments as (

    select * from {{ ref('stg_hr__employments') }}

),

contacts as (

    select contact_date from {{ ref('fct_contacts') }}

),

days as (

    select date_day, month_start_date from {{ ref('dim_date') }}

),

bounds as (

    select
        cast({{ dbt.date_trunc('month', 'min(first_day)') }} as date) as first_month,
        cast({{ dbt.date_trunc('month', 'max(last_day)') }} as date) as last_month
    from (
        select min(leave_date) as first_day, max(leave_date) as last_day from employments
        union all
        select min(contact_date) as first_day, max(contact_date) as last_day from contacts
        union all
        select cast(null as date) as first_day, max(hire_date) as last_day from employments
    ) as edges

),

months as (

    select
        days.month_start_date,
        max(days.date_day) as month_end_date
    from days
    cross join bounds
    where days.month_start_date >= bounds.first_month
        and days.month_start_date <= bounds.last_month
    group by days.month_start_date

),

team_months as (

    select
        employments.team,
        employments.site_id,
        months.month_start_date,
        months.month_end_date,
        {{ count_where(
            'employments.hire_date <= months.month_start_date and (employments.leave_date is null or employments.leave_date >= months.month_start_date)'
        ) }} as headcount_start,
        {{ count_where(
            'employments.hire_date <= months.month_end_date and (employments.leave_date is null or employments.leave_date >= months.month_end_date)'
        ) }} as headcount_end,
        {{ count_where(
            'employments.leave_date >= months.month_start_date and employments.leave_date <= months.month_end_date'
        ) }} as leavers,
        {{ count_where(
            "employments.leave_date >= months.month_start_date and employments.leave_date <= months.month_end_date and employments.leave_reason = 'voluntary'"
        ) }} as voluntary_leavers,
        {{ count_where(
            'employments.hire_date >= months.month_start_date and employments.hire_date <= months.month_end_date'
        ) }} as joiners
    from employments
    inner join months
        on employments.hire_date <= months.month_end_date
        and (employments.leave_date is null or employments.leave_date >= months.month_start_date)
    group by employments.team, employments.site_id, months.month_start_date, months.month_end_date

),

final as (

    select
        -- keys
        coalesce(team, 'unassigned') as team,
        site_id,
        month_start_date as kpi_date,
        month_end_date,

        -- counts
        cast(headcount_start as {{ dbt.type_bigint() }}) as headcount_start,
        cast(headcount_end as {{ dbt.type_bigint() }}) as headcount_end,
        cast((headcount_start + headcount_end) / 2.0 as numeric(28, 6)) as headcount_average,
        cast(leavers as {{ dbt.type_bigint() }}) as leavers,
        cast(voluntary_leavers as {{ dbt.type_bigint() }}) as voluntary_leavers,
        cast(joiners as {{ dbt.type_bigint() }}) as joiners,

        -- ratios, each with its numerator and denominator
        {{ ratio('leavers', '(headcount_start + headcount_end) / 2.0') }} as attrition_rate,
        cast(leavers as {{ dbt.type_bigint() }}) as attrition_rate_numerator,
        cast((headcount_start + headcount_end) / 2.0 as numeric(28, 6))
            as attrition_rate_denominator,
        {{ ratio('12 * leavers', '(headcount_start + headcount_end) / 2.0') }}
            as annualized_attrition_rate,
        cast(12 * leavers as {{ dbt.type_bigint() }}) as annualized_attrition_rate_numerator,
        cast((headcount_start + headcount_end) / 2.0 as numeric(28, 6))
            as annualized_attrition_rate_denominator,
        {{ ratio('voluntary_leavers', '(headcount_start + headcount_end) / 2.0') }}
            as voluntary_attrition_rate,
        cast(voluntary_leavers as {{ dbt.type_bigint() }}) as voluntary_attrition_rate_numerator,
        cast((headcount_start + headcount_end) / 2.0 as numeric(28, 6))
            as voluntary_attrition_rate_denominator

    from team_months

)

select * from final
