"""What the site filters and drills by, with the path of each drill-down page.

{queues, channels, sites, teams, agents, families, built_at}: queues from marts.dim_queues,
channels from marts.fct_contacts, sites and teams from the queues and marts.dim_agents,
agents from marts.dim_agents (those with an agent-day row), families from the KPI catalog.
Each item has a `slug`, the last part of its page's path (/<lang>/queues/<slug>.html):
the id itself when it is a plain name, else a lower-case plain form made unique.
Also run by observablehq.config.js to list the pages (dynamicPaths).
"""

import datetime as dt
import json
import sys

from _dimensions import dimensions
from _warehouse import connect

with connect() as con:
    out = dimensions(con)
# when the site was built, for the pages' footer (components/nav.js)
out["built_at"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
json.dump(out, sys.stdout)
