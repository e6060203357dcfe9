"""The KPI catalog (marts.dim_kpis) with where the warehouse has each KPI.

Every catalog row, plus `aggregation` (ratio, sum, max), `available` (a mart of the
warehouse has its columns) and `sources` (the models the site reads it from, with their
dimensions): the glossary, the tiles' definitions and the family pages read it.
"""

import json
import sys

from _catalog import plan, read_catalog
from _warehouse import _plain, connect

with connect() as con:
    catalog = read_catalog(con)
    entries = plan(con, catalog)

out = []
for row in catalog:
    entry = entries.get(row["kpi_key"])
    if entry is None:
        continue
    out.append(
        {
            **{k: _plain(v) for k, v in row.items()},
            "aggregation": entry.aggregation,
            "available": bool(entry.sources),
            "scale": entry.scale,
            "sources": [
                {"model": s.model, "grain": s.grain, "dimensions": s.dimensions + s.derived}
                for s in entry.sources
            ],
        }
    )
json.dump(out, sys.stdout)
