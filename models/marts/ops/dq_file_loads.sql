/*
    One row per file load of the ledger, with whether its counts reconcile.

    Why "current version": a changed file replaces the rows of its earlier version, so only
    the latest load of a file that reached the raw table ('loaded' or 'replaced') still has
    rows; a later 'rejected' load of the same file has its rows in the quarantine (the earlier
    version stays). Those loads are current; their counts are compared with the rows that the
    raw tables and the quarantine hold for that file version. Every load, current or not,
    must satisfy rows_in = rows_loaded + rows_quarantined.
*/

with

file_loads as (

    select * from {{ ref('stg_ingest__file_loads') }}

),

quarantined_rows as (

    select * from {{ ref('stg_ingest__quarantined_rows') }}

),

raw_rows as (

    select * from {{ ref('int_raw_rows_counted_by_file') }}

),

quarantined_by_file as (

    select
        file_name,
        file_sha256,
        count(*) as rows_in_quarantine
    from quarantined_rows
    group by file_name, file_sha256

),

latest as (

    select
        *,
        max(case when status in ('loaded', 'replaced') then loaded_at end)
            over (partition by file_name) as latest_success_at,
        max(case when status in ('loaded', 'replaced', 'rejected') then loaded_at end)
            over (partition by file_name) as latest_read_at
    from file_loads

),

flagged as (

    select
        *,
        (
            (status in ('loaded', 'replaced') and loaded_at = latest_success_at)
            or (status = 'rejected' and loaded_at = latest_read_at)
        ) as is_current_version
    from latest

),

final as (

    select
        -- ids
        flagged.file_load_id,
        flagged.file_name,
        flagged.source,
        flagged.entity,
        flagged.file_sha256,

        -- load
        flagged.status,
        flagged.message,
        flagged.is_current_version,
        flagged.status = 'rejected' as is_rejected,
        flagged.status = 'failed' as is_failed,

        -- timestamps
        flagged.loaded_at,
        cast(flagged.loaded_at as date) as load_date,

        -- measures
        flagged.size_bytes,
        flagged.rows_in,
        flagged.rows_loaded,
        flagged.rows_quarantined,
        case
            when flagged.is_current_version then coalesce(raw_rows.rows_in_raw_table, 0)
        end as rows_in_raw_table,
        case
            when flagged.is_current_version
                then coalesce(quarantined_by_file.rows_in_quarantine, 0)
        end as rows_in_quarantine,

        -- reconciliation
        (
            flagged.rows_in = flagged.rows_loaded + flagged.rows_quarantined
            and (
                not flagged.is_current_version
                or (
                    coalesce(raw_rows.rows_in_raw_table, 0) = flagged.rows_loaded
                    and coalesce(quarantined_by_file.rows_in_quarantine, 0)
                    = flagged.rows_quarantined
                )
            )
        ) as is_reconciled

    from flagged
    left join raw_rows
        on flagged.file_name = raw_rows.file_name
        and flagged.file_sha256 = raw_rows.file_sha256
    left join quarantined_by_file
        on flagged.file_name = quarantined_by_file.file_name
        and flagged.file_sha256 = quarantined_by_file.file_sha256

)

select * from final
