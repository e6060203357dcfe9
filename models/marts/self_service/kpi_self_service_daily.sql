/*
    One row per IVR entry point (number dialled), site and local day of the session start.

    Identity: sessions_contained + sessions_transferred = self_service_entries (every
    session ends in the IVR or reaches a queue). Containment (KPIS.md default) counts only
    contained sessions with no repeat contact within N hours
    (int_ivr_sessions_with_repeats; DECISIONS.md D103); gross containment counts every
    session that ended in the IVR.
*/

with

sessions as (

    select * from {{ ref('int_ivr_sessions_with_repeats') }}

),

aggregated as (

    select
        coalesce(entry_point, 'unknown') as entry_point,
        site_id,
        session_date as kpi_date,
        count(*) as self_service_entries,
        {{ count_where('is_contained') }} as sessions_contained,
        {{ count_where('is_transferred') }} as sessions_transferred,
        {{ count_where('is_contained_without_repeat') }} as sessions_contained_without_repeat,
        {{ count_where('is_task_completed') }} as sessions_task_completed,
        coalesce(sum(ivr_seconds), 0) as ivr_seconds
    from sessions
    group by coalesce(entry_point, 'unknown'), site_id, session_date

),

final as (

    select
        -- keys
        entry_point,
        site_id,
        kpi_date,

        -- counts
        cast(self_service_entries as {{ dbt.type_bigint() }}) as self_service_entries,
        cast(sessions_contained as {{ dbt.type_bigint() }}) as sessions_contained,
        cast(sessions_transferred as {{ dbt.type_bigint() }}) as sessions_transferred,
        cast(sessions_contained_without_repeat as {{ dbt.type_bigint() }})
            as sessions_contained_without_repeat,
        cast(sessions_task_completed as {{ dbt.type_bigint() }}) as sessions_task_completed,

        -- second totals
        cast(ivr_seconds as {{ dbt.type_bigint() }}) as ivr_seconds,

        -- ratios and averages, each with its numerator and denominator
        {{ ratio('sessions_contained_without_repeat', 'self_service_entries') }}
            as self_service_containment_rate,
        cast(sessions_contained_without_repeat as {{ dbt.type_bigint() }})
            as self_service_containment_rate_numerator,
        cast(self_service_entries as {{ dbt.type_bigint() }})
            as self_service_containment_rate_denominator,
        {{ ratio('sessions_contained', 'self_service_entries') }}
            as self_service_gross_containment_rate,
        cast(sessions_contained as {{ dbt.type_bigint() }})
            as self_service_gross_containment_rate_numerator,
        cast(self_service_entries as {{ dbt.type_bigint() }})
            as self_service_gross_containment_rate_denominator,
        {{ ratio('sessions_transferred', 'self_service_entries') }}
            as self_service_transfer_rate,
        cast(sessions_transferred as {{ dbt.type_bigint() }})
            as self_service_transfer_rate_numerator,
        cast(self_service_entries as {{ dbt.type_bigint() }})
            as self_service_transfer_rate_denominator,
        {{ average('ivr_seconds', 'self_service_entries') }} as avg_ivr_seconds,
        cast(ivr_seconds as {{ dbt.type_bigint() }}) as avg_ivr_seconds_numerator,
        cast(self_service_entries as {{ dbt.type_bigint() }}) as avg_ivr_seconds_denominator

    from aggregated

)

select * from final
