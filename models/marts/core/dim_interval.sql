{#-
    The intervals of a local day for var('interval_minutes'), as a BI tool needs them to
    label and order intraday charts. A time of day, not a point in time: on the autumn
    clock change a local day holds some of these intervals twice (two UTC keys in the
    facts) and on the spring change it skips some.
-#}

{%- set interval_minutes = var('interval_minutes') -%}

with

intervals as (

    select
        spine.n as interval_index,
        {{ dbt.dateadd('minute', 'spine.n * ' ~ interval_minutes, "cast('2000-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")") }} as interval_start_time,
        {{ dbt.dateadd('minute', '(spine.n + 1) * ' ~ interval_minutes, "cast('2000-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")") }} as interval_end_time
    from {{ contact_center.number_spine(4) }} as spine
    where spine.n < {{ (1440 // interval_minutes) | int }}

),

final as (

    select
        -- ids
        interval_index,

        -- labels
        {{ contact_center.time_of_day_label('interval_start_time') }} as interval_time_local,
        {{ contact_center.time_of_day_label('interval_end_time') }} as interval_end_time_local,

        -- parts
        cast(extract(hour from interval_start_time) as integer) as hour,
        cast(extract(minute from interval_start_time) as integer) as minute,
        {{ interval_minutes }} as interval_minutes

    from intervals

)

select * from final
