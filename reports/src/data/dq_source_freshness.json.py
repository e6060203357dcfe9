"""Freshness and totals per ingestion source: select from marts.dq_source_freshness."""

from _warehouse import write_json

write_json(
    """
select
    source,
    current_files,
    rejected_files,
    failed_files,
    rows_loaded,
    rows_quarantined,
    latest_file_name,
    latest_file_loaded_at,
    latest_event_at,
    as_of_at,
    load_delay_seconds,
    event_lag_seconds,
    file_lag_seconds
from marts.dq_source_freshness
order by source
"""
)
