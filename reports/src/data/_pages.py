"""Per-page data: the rows of the KPI values each kind of page shows.

Reading every KPI's rows per day, queue and agent on every page made each page's data grow
with agents × days (D191; 359 MB on the year of a 300-agent center, D206). Files:

- data/kpi_values.csv: the values summed over agents and teams (kpi_values.csv.py), for
  the overview, queue, channel and family pages, none of which splits by agent or team;
- data/agents/<slug>.csv: the values of one agent (agents/[agent].csv.py);
- data/teams/<slug>.csv: the values of one team (teams/[team].csv.py);
- data/families/<slug>.csv: the agents' values of one family page's KPIs, for its by-agent
  table, which the page loads on request (families/[family].csv.py);
- data/agent_period.json: {"from", "to"}, the first and last day of any agent's daily
  rows, so every agent page offers the same period (agent_period.json.py).

Framework runs a parameterized loader once per page parameter: one Python process (and
one pass over the marts) per agent. `python _pages.py <folder>` writes all of these files
from one pass instead, and runs every other loader of src/data in the same process (one
Python and DuckDB start instead of one per loader), into Framework's loader cache:
orchestration/site.py runs it before `observable build`, after prepare-offline.mjs has
cleared the cache, and Framework takes the files as fresh outputs of their loaders (newer
than the loader script); a file that is missing is still made by its loader. Both paths
write the same bytes (tests/test_site_loaders.py). DECISIONS.md D192.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import runpy
import sys
from pathlib import Path
from typing import TextIO

import duckdb
from _catalog import center_query, values_query
from _dimensions import dimensions
from _warehouse import _plain, connect, copy_csv, print_csv

# page kind → (key of its items in dimensions(), column of kpi_values it is filtered on)
KINDS = {"agents": ("agent_id", "agent_id"), "teams": ("team", "team")}
# a total order of the values' rows, so that a file's bytes depend on its rows only
ORDER = "date_local, kpi_key, model, queue_id, site_id, channel, agent_id, team, target"

# The KPI family pages of components/i18n.js FAMILY_PAGES (page name → the catalog
# families it shows; tests/test_site_loaders.py checks that both lists agree). A catalog
# family none of them shows gets a page of its own, named by slug_of.
FAMILY_PAGES = {
    "accessibility": ["accessibility"],
    "efficiency": ["efficiency", "handling"],
    "customer-outcomes": [
        "customer_outcomes", "customer_outcome", "outcomes", "effectiveness", "customer"
    ],
    "sales": ["sales", "outbound"],
    "workforce": ["workforce", "planning", "wfm"],
    "people-quality": ["people_quality", "people", "quality"],
    "cost": ["cost"],
    "data-quality": ["data_quality", "freshness", "dq"],
}  # fmt: skip


def period(con: duckdb.DuckDBPyConnection, values: str) -> dict[str, str | None]:
    first, last = con.execute(
        f"select min(date_local), max(date_local) from ({values})"
        " where agent_id is not null and grain = 'day'"
    ).fetchone()
    return {"from": _plain(first), "to": _plain(last)}


def literal(value: object) -> str:
    """A SQL string literal (COPY takes no parameters)."""
    return "'" + str(value).replace("'", "''") + "'"


def rows_of(kind: str, value: object) -> str:
    """The condition on the values' rows of one page: an agent's or a team's rows, or (a
    family page: `value` its KPI keys) the rows of its KPIs that have an agent."""
    if kind == "families":
        keys = ", ".join(literal(k) for k in value) or "null"
        return f"agent_id is not null and kpi_key in ({keys})"
    return f"{KINDS[kind][1]} = {literal(value)}"


def slug_of(value: object) -> str:
    """components/i18n.js slugOf: "Customer outcomes" → "customer-outcomes"."""
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")


def family_pages(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every family page the site has (components/i18n.js familyPages) → its KPI keys."""
    rows = con.execute(
        "select family, kpi_key from marts.dim_kpis where family is not null"
    ).fetchall()
    known = {f for families in FAMILY_PAGES.values() for f in families}
    pages = {slug: list(families) for slug, families in FAMILY_PAGES.items()}
    for family in sorted({f for f, _ in rows} - known):
        pages.setdefault(slug_of(family), []).append(family)
    return {slug: sorted(k for f, k in rows if f in families) for slug, families in pages.items()}


def item_of(con: duckdb.DuckDBPyConnection, kind: str, slug: str) -> str:
    key, _ = KINDS[kind]
    for item in dimensions(con)[kind]:
        if str(item["slug"]) == slug:
            return str(item[key])
    sys.exit(f"data loader: no {kind[:-1]} has the page name {slug!r} (data/dimensions.json)")


def write_one(kind: str, slug: str) -> None:
    """One page's file, for the parameterized loader (agents/[agent].csv.py, ...)."""
    with connect() as con:
        if kind == "families":
            pages = family_pages(con)
            if slug not in pages:
                sys.exit(f"data loader: no KPI family page has the name {slug!r}")
            where = rows_of(kind, pages[slug])
        else:
            where = rows_of(kind, item_of(con, kind, slug))
        print_csv(con, f"select * from ({values_query(con)}) where {where} order by {ORDER}")


def run_page_loader(kind: str, param: str, argv: list[str] | None = None) -> None:
    """The body of a parameterized loader: Framework passes `--<param>=<page name>`."""
    argv = sys.argv[1:] if argv is None else argv
    args = dict(a.removeprefix("--").split("=", 1) for a in argv if "=" in a)
    if param not in args:
        sys.exit(f"data loader {kind}/[{param}].csv.py: pass --{param}=<page name>")
    write_one(kind, args[param])


def write_period(out: TextIO = sys.stdout) -> None:
    with connect() as con:
        json.dump(period(con, values_query(con)), out)


DATA = Path(__file__).resolve().parent
# written from the per-page pass itself (the same query), not by running its loader
FROM_VALUES = {"kpi_values.csv.py", "agent_period.json.py"}


def run_loaders(folder: Path) -> list[str]:
    """Run every plain loader of src/data (not the parameterized ones) in this process,
    each into its output file under `folder`: one Python start instead of one per loader."""
    done = []
    for script in sorted(DATA.glob("*.py")):
        if script.name.startswith("_") or "[" in script.name or script.name in FROM_VALUES:
            continue
        target = folder / script.name.removesuffix(".py")
        partial = target.with_name(f"{target.name}.{os.getpid()}")
        with open(partial, "w", encoding="utf-8", newline="") as out:
            with contextlib.redirect_stdout(out):
                runpy.run_path(str(script), run_name="__main__")
        partial.replace(target)
        done.append(target.name)
    return done


def prefill(folder: Path) -> dict[str, int]:
    """The plain loaders' outputs, kpi_values.csv, every agent's, team's and family page's
    file and agent_period.json, from one process and one pass of the values query, into
    `folder` (Framework's cache of src/data). Returns the files written per kind."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {"loaders": len(run_loaders(folder))}
    with connect() as con:
        # ordered by agent: each agent's rows lie together, and its file's query skips
        # the rest of the table by DuckDB's per-block minima and maxima
        con.execute(
            f"create temp table page_values as select * from ({values_query(con)})"
            f" order by agent_id, {ORDER}"
        )
        values = "select * from page_values"
        copy_csv(con, f"select * from ({center_query(con, values)}) order by {ORDER}",
                 folder / "kpi_values.csv")  # fmt: skip
        written["kpi_values"] = 1
        (folder / "agent_period.json").write_text(json.dumps(period(con, values)))
        dims = dimensions(con)
        pages = {
            kind: {str(item["slug"]): str(item[key]) for item in dims[kind]}
            for kind, (key, _) in KINDS.items()
        }
        pages["families"] = family_pages(con)
        for kind, items in pages.items():
            (folder / kind).mkdir(parents=True, exist_ok=True)
            for slug, value in items.items():
                sql = f"{values} where {rows_of(kind, value)} order by {ORDER}"
                copy_csv(con, sql, folder / kind / f"{slug}.csv")
            written[kind] = len(items)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python _pages.py <folder> (Framework's cache of src/data)")
    counts = prefill(Path(sys.argv[1]))
    print(", ".join(f"{n} {kind}" for kind, n in counts.items()))
