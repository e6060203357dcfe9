"""One row per agent per local day: select from marts.kpi_agent_daily (occupancy inputs)."""

from _warehouse import write_csv

write_csv(
    """
select
    agent_id,
    site_id,
    date_local,
    contacts_handled,
    occupancy_numerator,
    occupancy_denominator
from marts.kpi_agent_daily
order by date_local, agent_id
"""
)
