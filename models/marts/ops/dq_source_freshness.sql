/*
    One row per ingestion source with files in the ledger: its current files, the latest file
    loaded, the latest event its data holds, and how far behind that is.

    The latest event is read from staging, in UTC: queue_log events, CDR starts, Amazon
    Connect initiations, mapped contacts' arrivals (queue entry when the arrival is unknown).
    The roster is a snapshot and has no events. The lags are measured to `as_of_at`, the
    latest load of any file of any source (not the clock: the table must be the same on every
    engine and every rebuild): a source that stopped delivering while the others go on falls
    behind. `load_delay_seconds` (latest event to the load of its latest file) is how late its
    data arrives.
*/

with

file_loads as (

    select * from {{ ref('dq_file_loads') }}

),

queue_log_events as (

    select * from {{ ref('stg_asterisk__queue_log_events') }}

),

cdrs as (

    select * from {{ ref('stg_asterisk__cdrs') }}

),

connect_contacts as (

    select * from {{ ref('stg_amazon_connect__contacts') }}

),

mapped_contacts as (

    select * from {{ ref('stg_mapped__contacts') }}

),

latest_events as (

    select 'asterisk_queue_log' as source, max(event_at) as latest_event_at
    from queue_log_events
    union all
    select 'asterisk_cdr' as source, max(started_at) as latest_event_at
    from cdrs
    union all
    select 'amazon_connect_ctr' as source, max(initiation_at) as latest_event_at
    from connect_contacts
    union all
    select 'mapped_contacts' as source, max(coalesce(arrived_at, queued_at)) as latest_event_at
    from mapped_contacts

),

latest_files as (

    select
        source,
        file_name as latest_file_name,
        loaded_at as latest_file_loaded_at
    from (
        select
            source,
            file_name,
            loaded_at,
            row_number() over (
                partition by source order by loaded_at desc, file_name desc
            ) as recency
        from file_loads
        where is_current_version and status in ('loaded', 'replaced')
    ) as ranked
    where recency = 1

),

latest_reads as (

    -- the latest ledger row of each file, whatever its status
    select *
    from (
        select
            *,
            row_number() over (
                partition by file_name order by loaded_at desc, file_load_id
            ) as recency
        from file_loads
    ) as ranked
    where recency = 1

),

by_source as (

    select
        source,
        sum(case when status = 'rejected' then 1 else 0 end) as rejected_files,
        sum(case when status = 'failed' then 1 else 0 end) as failed_files,
        max(loaded_at) as latest_read_at
    from latest_reads
    group by source

),

as_of as (

    select max(loaded_at) as as_of_at
    from file_loads

),

loaded_rows as (

    select
        source,
        count(distinct case when status in ('loaded', 'replaced') then file_name end)
            as current_files,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined
    from file_loads
    where is_current_version
    group by source

),

final as (

    select
        -- ids
        by_source.source,

        -- files
        coalesce(loaded_rows.current_files, 0) as current_files,
        by_source.rejected_files,
        by_source.failed_files,
        coalesce(loaded_rows.rows_loaded, 0) as rows_loaded,
        coalesce(loaded_rows.rows_quarantined, 0) as rows_quarantined,
        latest_files.latest_file_name,

        -- timestamps (UTC)
        latest_files.latest_file_loaded_at,
        by_source.latest_read_at,
        latest_events.latest_event_at,
        as_of.as_of_at,

        -- lags
        {{ dbt.datediff('latest_events.latest_event_at', 'latest_files.latest_file_loaded_at', 'second') }}
            as load_delay_seconds,
        {{ dbt.datediff('latest_events.latest_event_at', 'as_of.as_of_at', 'second') }}
            as event_lag_seconds,
        {{ dbt.datediff('latest_files.latest_file_loaded_at', 'as_of.as_of_at', 'second') }}
            as file_lag_seconds

    from by_source
    cross join as_of
    left join latest_files
        on by_source.source = latest_files.source
    left join loaded_rows
        on by_source.source = loaded_rows.source
    left join latest_events
        on by_source.source = latest_events.source

)

select * from final
