/*
    One row per site per local day the site is open: the opening window as UTC timestamps.

    Why it is built this way: business minutes (speed to lead, time to resolve) are the
    minutes of a span that fall inside opening hours. Opening hours are local wall-clock
    times per weekday (seeds/business_hours.csv) and holidays are local dates
    (seeds/business_holidays.csv); each day's window is converted to UTC with the site's
    time zone rule of that very day, so on the days the clocks change the window keeps its
    wall-clock hours (a 13-hour day stays 13 hours) and the UTC bounds move by the offset.
    A span's business seconds are then the sum of its overlaps with these windows, a
    plain range join that every engine runs (no per-minute spine). The spine covers
    var('business_calendar_first_date') to var('business_calendar_last_date'); a day
    outside it has no window.
*/

with

hours as (

    select
        upper(trim(site_id)) as site_id,
        cast(day_of_week as {{ dbt.type_int() }}) as day_of_week,
        cast(substring(open_time, 1, 2) as {{ dbt.type_int() }}) * 60
            + cast(substring(open_time, 4, 2) as {{ dbt.type_int() }}) as open_minute,
        cast(substring(close_time, 1, 2) as {{ dbt.type_int() }}) * 60
            + cast(substring(close_time, 4, 2) as {{ dbt.type_int() }}) as close_minute
    from {{ ref('business_hours') }}

),

holidays as (

    select
        upper(trim(site_id)) as site_id,
        cast(holiday_date as date) as holiday_date
    from {{ ref('business_holidays') }}

),

sites as (

    select site_id, time_zone from {{ ref('sites') }}

),

days as (

    select
        date_day,
        -- ISO weekday, 1 = Monday .. 7 = Sunday (1900-01-01 was a Monday)
        cast(mod({{ dbt.datediff("cast('1900-01-01' as date)", 'date_day', 'day') }}, 7) + 1 as {{ dbt.type_int() }}) as day_of_week
    from {{ contact_center.date_spine(
        "cast('" ~ var('business_calendar_first_date', '2024-01-01') ~ "' as date)",
        "cast('" ~ var('business_calendar_last_date', '2028-12-31') ~ "' as date)"
    ) }} as spine

),

open_days as (

    select
        hours.site_id,
        sites.time_zone,
        days.date_day,
        {{ dbt.dateadd('minute', 'hours.open_minute', 'cast(days.date_day as timestamp)') }} as opens_at_local,
        {{ dbt.dateadd('minute', 'hours.close_minute', 'cast(days.date_day as timestamp)') }} as closes_at_local
    from days
    inner join hours
        on days.day_of_week = hours.day_of_week
    inner join sites
        on hours.site_id = sites.site_id
    left join holidays
        on hours.site_id = holidays.site_id
        and days.date_day = holidays.holiday_date
    where holidays.holiday_date is null
        and hours.close_minute > hours.open_minute

),

final as (

    select
        -- ids
        site_id,
        date_day,

        -- timestamps
        opens_at_local,
        closes_at_local,
        {{ local_to_utc('opens_at_local', 'time_zone') }} as opens_at,
        {{ local_to_utc('closes_at_local', 'time_zone') }} as closes_at

    from open_days

)

select * from final
