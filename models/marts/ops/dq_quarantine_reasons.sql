/*
    One row per file version and reason class: how many of its lines are in the quarantine.

    A file's source comes from its latest ledger row with the same sha256 (the quarantine
    only holds lines of current file versions: a replaced version's lines are removed).
*/

with

quarantined_rows as (

    select * from {{ ref('stg_ingest__quarantined_rows') }}

),

file_loads as (

    select * from {{ ref('stg_ingest__file_loads') }}

),

file_versions as (

    select
        file_name,
        file_sha256,
        source,
        status
    from (
        select
            file_name,
            file_sha256,
            source,
            status,
            row_number() over (
                partition by file_name, file_sha256
                order by loaded_at desc, file_load_id
            ) as recency
        from file_loads
        where file_sha256 is not null
    ) as ranked
    where recency = 1

),

by_reason as (

    select
        file_name,
        file_sha256,
        reason_class,
        count(*) as rows_quarantined,
        min(line_number) as first_line_number,
        max(line_number) as last_line_number,
        max(quarantined_at) as quarantined_at
    from quarantined_rows
    group by file_name, file_sha256, reason_class

),

final as (

    select
        -- ids
        by_reason.file_name,
        by_reason.file_sha256,
        file_versions.source,
        file_versions.status as file_status,
        by_reason.reason_class,

        -- measures
        by_reason.rows_quarantined,
        by_reason.first_line_number,
        by_reason.last_line_number,

        -- timestamps
        by_reason.quarantined_at

    from by_reason
    left join file_versions
        on by_reason.file_name = file_versions.file_name
        and by_reason.file_sha256 = file_versions.file_sha256

)

select * from final
