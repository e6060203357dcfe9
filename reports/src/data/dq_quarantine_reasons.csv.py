"""Quarantined lines per file and reason class: select from marts.dq_quarantine_reasons."""

from _warehouse import write_csv

write_csv(
    """
select
    file_name,
    source,
    file_status,
    reason_class,
    rows_quarantined,
    first_line_number,
    last_line_number
from marts.dq_quarantine_reasons
order by rows_quarantined desc, file_name, reason_class
"""
)
