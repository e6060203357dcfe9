"""Every available catalog KPI, as additive parts per model, local day and dimensions,
summed over agents and teams: the rows the overview, queue, channel and family pages show.

One row per KPI, model, day, (queue, site, channel) values the model has (empty where it
has not) and target: numerator and denominator for a ratio, the sum (or the maximum) of
the column for a count (or a longest time) in `numerator`. The agent and team columns
stay, empty: an agent's or a team's rows are in agents/<slug>.csv and teams/<slug>.csv,
the agents' rows of a family's KPIs in families/<slug>.csv (_pages.py, D191, D206). Built
from the catalog and information_schema (_catalog.py): a KPI mart added later appears
here with no change.
"""

from _catalog import center_query, values_query
from _pages import ORDER
from _warehouse import connect, print_csv

with connect() as con:
    # the order _pages.py writes it in too (a total order: the same rows, the same bytes)
    print_csv(con, f"select * from ({center_query(con, values_query(con))}) order by {ORDER}")
