"""Every available catalog KPI, as additive parts per model, local day and dimensions.

One row per KPI, model, day and (queue, site, channel, agent, team) values the model
has (empty where it has not): numerator and denominator for a ratio, the sum (or the
maximum) of the column for a count (or a longest time) in `numerator`, and the target
the model carries for that row, if any. Built from the catalog and information_schema
(_catalog.py): a KPI mart added later appears here with no change.
"""

from _catalog import values_query
from _pages import ORDER
from _warehouse import connect, write_csv

with connect() as con:
    sql = values_query(con)
# the order _pages.py writes it in too (a total order: the same rows, the same bytes)
write_csv(f"select * from ({sql}) order by {ORDER}")
