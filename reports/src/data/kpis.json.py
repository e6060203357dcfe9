"""The KPI catalog (marts.dim_kpis) with where the warehouse has each KPI.

Every catalog row, plus `aggregation` (ratio, sum, max), `available` (a mart of the
warehouse has its columns) and `sources` (the models the site reads it from, with their
dimensions): the glossary, the tiles' definitions and the family pages read it.
"""

import json
import re
import sys
from pathlib import Path

from _catalog import plan, read_catalog
from _warehouse import _plain, connect

# the dbt project's name, for links to a mart's page of the dbt docs (_dbt-docs/)
project_file = Path(__file__).resolve().parents[3] / "dbt_project.yml"
match = (
    re.search(r"^name:\s*['\"]?([A-Za-z0-9_]+)", project_file.read_text(), re.M)
    if project_file.is_file()
    else None
)
dbt_project = match.group(1) if match else None

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
            "dbt_project": dbt_project,
            "dbt_model": entry.sources[0].model if entry.sources else None,
            "sources": [
                {"model": s.model, "grain": s.grain, "dimensions": s.dimensions + s.derived}
                for s in entry.sources
            ],
        }
    )
json.dump(out, sys.stdout)
