"""Queues with their labels and targets: select from marts.dim_queues.

Also run by observablehq.config.js to list the per-queue pages (dynamicPaths).
`abandon_rate_target` and `asa_target_seconds` are selected when dim_queues has them.
"""

from _warehouse import columns_of, connect, write_json

OPTIONAL_TARGETS = ["abandon_rate_target", "asa_target_seconds"]

with connect() as con:
    available = columns_of(con, "marts", "dim_queues")
optional = "".join(f",\n    {c}" for c in OPTIONAL_TARGETS if c in available)

write_json(
    f"""
select
    queue_id,
    queue_name,
    site_id,
    service_level_target{optional}
from marts.dim_queues
order by queue_id
"""
)
