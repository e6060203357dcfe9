{#-
    One row per calendar day from the first event (queue_log, or contact of another source)
    in the data minus
    var('date_spine_margin_days', 366) to the last event plus the same margin (forecasts
    and schedules reach into the future; a year on each side keeps same-day-last-year
    comparisons joinable). Weekdays and ISO weeks are computed with dbt.datediff from a
    known Monday (1900-01-01) instead of engine-specific date formats.
-#}

{%- set margin_days = var('date_spine_margin_days', 366) -%}

with

events as (

    select event_at from {{ ref('stg_asterisk__queue_log_events') }}
    union all
    -- contacts of the sources that have no queue_log (Amazon Connect, mapped exports)
    select counted_at as event_at from {{ ref('int_contacts_unioned') }}
    where source_system <> 'asterisk'

),

bounds as (

    select
        cast({{ dbt.dateadd('day', -1 * margin_days, 'coalesce(min(cast(event_at as date)), current_date)') }} as date) as first_date,
        cast({{ dbt.dateadd('day', margin_days, 'coalesce(max(cast(event_at as date)), current_date)') }} as date) as last_date
    from events

),

days as (

    select date_day
    from {{ contact_center.date_spine('(select first_date from bounds)', '(select last_date from bounds)') }} as spine

),

weekdays as (

    select
        date_day,
        -- ISO weekday, 1 = Monday .. 7 = Sunday (1900-01-01 was a Monday)
        cast(mod({{ dbt.datediff("cast('1900-01-01' as date)", 'date_day', 'day') }}, 7) + 1 as integer) as day_of_week
    from days

),

iso_thursdays as (

    -- an ISO week belongs to the ISO year of its Thursday
    select
        date_day,
        day_of_week,
        cast({{ dbt.dateadd('day', '4 - day_of_week', 'date_day') }} as date) as week_thursday
    from weekdays

),

final as (

    select
        -- ids
        date_day,

        -- calendar
        cast(extract(year from date_day) as integer) as year,
        cast(extract(quarter from date_day) as integer) as quarter,
        cast(extract(month from date_day) as integer) as month,
        case cast(extract(month from date_day) as integer)
            when 1 then 'January' when 2 then 'February' when 3 then 'March'
            when 4 then 'April' when 5 then 'May' when 6 then 'June'
            when 7 then 'July' when 8 then 'August' when 9 then 'September'
            when 10 then 'October' when 11 then 'November' when 12 then 'December'
        end as month_name,
        cast(extract(day from date_day) as integer) as day_of_month,
        cast({{ dbt.datediff(dbt.date_trunc('year', 'date_day'), 'date_day', 'day') }} + 1 as integer) as day_of_year,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,

        -- week (ISO 8601: weeks start on Monday, week 1 holds the year's first Thursday)
        day_of_week,
        case day_of_week
            when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday'
            when 4 then 'Thursday' when 5 then 'Friday' when 6 then 'Saturday'
            when 7 then 'Sunday'
        end as day_of_week_name,
        cast({{ dbt.dateadd('day', '1 - day_of_week', 'date_day') }} as date) as week_start_date,
        cast(extract(year from week_thursday) as integer) as iso_year,
        cast(
            floor(({{ dbt.datediff(dbt.date_trunc('year', 'week_thursday'), 'week_thursday', 'day') }}) / 7) + 1
            as integer
        ) as iso_week,

        -- flags
        case when day_of_week in (6, 7) then true else false end as is_weekend

    from iso_thursdays

)

select * from final
