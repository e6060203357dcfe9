"""{"from", "to"}: the first and last day of any agent's daily KPI rows, the period every
agent page offers (its own file holds only its own rows: _pages.py)."""

from _pages import write_period

write_period()
