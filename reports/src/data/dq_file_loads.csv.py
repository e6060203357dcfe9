"""One row per file load: select from marts.dq_file_loads (data-quality page)."""

from _warehouse import write_csv

write_csv(
    """
select
    file_name,
    source,
    status,
    message,
    is_current_version,
    loaded_at,
    load_date,
    rows_in,
    rows_loaded,
    rows_quarantined,
    is_reconciled
from marts.dq_file_loads
order by loaded_at desc, file_name
"""
)
