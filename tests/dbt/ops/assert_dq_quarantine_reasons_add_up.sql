{{ config(meta={'dagster': {'ref': {'name': 'dq_quarantine_reasons'}}}) }}
-- Every current file version's quarantined rows, counted by reason class, add up to the
-- rows_quarantined of its ledger row (dq_quarantine_reasons and dq_file_loads agree).
with

reasons as (

    select file_name, file_sha256, sum(rows_quarantined) as rows_quarantined
    from {{ ref('dq_quarantine_reasons') }}
    group by file_name, file_sha256

),

loads as (

    select file_name, file_sha256, sum(rows_quarantined) as rows_quarantined
    from {{ ref('dq_file_loads') }}
    where is_current_version
    group by file_name, file_sha256

)

select
    coalesce(loads.file_name, reasons.file_name) as file_name,
    loads.rows_quarantined as ledger_rows,
    reasons.rows_quarantined as reason_rows
from loads
full outer join reasons
    on loads.file_name = reasons.file_name
    and loads.file_sha256 = reasons.file_sha256
where coalesce(loads.rows_quarantined, 0) <> coalesce(reasons.rows_quarantined, 0)
