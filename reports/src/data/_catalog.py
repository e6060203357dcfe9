"""The KPI catalog against the warehouse: which catalog KPI can be read from which mart.

Shared by kpis.json.py (the catalog, with where each KPI is found) and kpi_values.csv.py
(every available KPI's additive parts per day and dimension). Nothing here knows a KPI
by name: the catalog (marts.dim_kpis: models, column_name, numerator_column,
denominator_column, formula) and information_schema decide, so a new kpi_* mart with
its catalog rows reaches the site with no change to the site (docs/extending.md).

Each source has a grain, the period one of its rows covers: day, week (a `*_weekly` model
or a `week_start_date` column: the row's date is the Monday) or month (`*_monthly`,
`month_start_date`: the first of the month). A day-grain source is preferred; a weekly or
monthly one is kept only for a KPI no daily model has (model_wape_weekly, cost per
contact), and the pages count its row when its week or month overlaps the period (D160).
A ratio whose mart column is a multiple of numerator / denominator (NPS: × 100, on
−100..100) carries that factor as `scale`, so the site shows the mart's number (D162).

A KPI is read from each model of its `models` list that exists in the marts schema with
the columns the catalog names and a date column; interval models are left out when a
daily one is available (the site shows days, and a day's parts are the sums of its
intervals' parts). How a KPI aggregates over rows:
- ratio: numerator_column and denominator_column given: sum(numerator) / sum(denominator);
- max: no parts and the formula starts with "max(": the largest value (longest wait);
- sum: no parts (counts): the sum of the column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import duckdb

# date columns a KPI model may carry, in order of preference; else its first DATE column
DATE_COLUMNS = ["date_local", "date_day", "report_date", "contact_date", "date"]
# dimensions the site filters and drills by, when a model has them
DIMENSIONS = ["queue_id", "site_id", "channel", "agent_id", "team"]
SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Source:
    model: str
    date_column: str
    dimensions: list[str]
    derived: list[str] = field(default_factory=list)  # dimensions joined in (team, channel)
    grain: str = "day"  # day | week | month: the period one row covers


def grain_of(model: str, date_column: str) -> str:
    """The period a row of a KPI model covers, from its name or its date column."""
    if model.endswith("_monthly") or date_column.startswith("month_"):
        return "month"
    if model.endswith("_weekly") or date_column.startswith("week_"):
        return "week"
    return "day"


@dataclass
class Entry:
    kpi_key: str
    aggregation: str  # ratio | sum | max
    column: str
    numerator: str | None
    denominator: str | None
    target_column: str | None
    sources: list[Source]
    scale: float = 1.0  # the mart's column = scale × numerator / denominator (NPS: 100)


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {}
    for table, column, dtype in con.execute(
        "select table_name, column_name, data_type from information_schema.columns"
        " where table_schema = 'marts' order by table_name, ordinal_position"
    ).fetchall():
        tables.setdefault(table, {})[column] = dtype
    return tables


def aggregation_of(row: dict) -> str:
    if row.get("numerator_column") and row.get("denominator_column"):
        return "ratio"
    if str(row.get("formula") or "").strip().lower().startswith("max("):
        return "max"
    return "sum"


def plan(con: duckdb.DuckDBPyConnection, catalog: list[dict]) -> dict[str, Entry]:
    """For every catalog row, the models it can be read from (possibly none)."""
    tables = _columns(con)
    has_agents = "dim_agents" in tables and "team" in tables["dim_agents"]
    # a queue model without a channel column is split by channel through its queues'
    # channel, when a queue has one channel only; since digital contacts share the voice
    # queues, no queue may: the channel filter then does not apply to it (D161)
    has_channels = (
        "fct_contacts" in tables
        and "channel" in tables["fct_contacts"]
        and "queue_id" in tables["fct_contacts"]
        and con.execute(
            "select count(*) from (select queue_id from marts.fct_contacts"
            " where queue_id is not null group by queue_id having count(distinct channel) = 1)"
        ).fetchone()[0]
        > 0
    )
    out: dict[str, Entry] = {}
    for row in catalog:
        if not SAFE.match(str(row["kpi_key"])):
            continue  # not an identifier: never spliced into SQL (the catalog test names it)
        aggregation = aggregation_of(row)
        column = row["column_name"] or row["kpi_key"]
        needed = (
            [column]
            if aggregation != "ratio"
            else [row["numerator_column"], row["denominator_column"]]
        )
        candidates: list[Source] = []
        for model in str(row.get("models") or "").split():
            columns = tables.get(model)
            if not columns or not all(c in columns for c in needed):
                continue
            if not all(SAFE.match(c) for c in [model, *needed]):
                continue
            date_column = next((c for c in DATE_COLUMNS if c in columns), None) or next(
                (c for c, t in columns.items() if t == "DATE"), None
            )
            if date_column is None:
                continue
            dims = [d for d in DIMENSIONS if d in columns]
            derived = []
            if "agent_id" in dims and "team" not in dims and has_agents:
                derived.append("team")
            if "queue_id" in dims and "channel" not in dims and has_channels:
                derived.append("channel")
            candidates.append(
                Source(model, date_column, dims, derived, grain_of(model, date_column))
            )
        # the site shows days: a daily model, else a weekly or monthly one, else an
        # interval model (a day's parts are the sums of its intervals' parts)
        not_interval = [s for s in candidates if "interval" not in s.model]
        daily = [s for s in not_interval if s.grain == "day"]
        sources = daily or not_interval or candidates[:1]
        target = f"{column}_target"
        target_column = (
            target if sources and all(target in tables[s.model] for s in sources) else None
        )
        out[row["kpi_key"]] = Entry(
            kpi_key=row["kpi_key"],
            aggregation=aggregation,
            column=column,
            numerator=row.get("numerator_column") or None,
            denominator=row.get("denominator_column") or None,
            target_column=target_column,
            sources=sources,
            scale=_scale(con, row, sources[0]) if sources and aggregation == "ratio" else 1.0,
        )
    return out


def _scale(con: duckdb.DuckDBPyConnection, row: dict, source: Source) -> float:
    """The power of ten the mart multiplies numerator / denominator by (1 for a plain
    ratio; 100 for NPS, shown on −100..100), read off the mart's own rows."""
    column, num, den = row["column_name"], row["numerator_column"], row["denominator_column"]
    if not column or not SAFE.match(str(column)) or column in (num, den):
        return 1.0
    columns = _columns_of(con, source.model)
    if column not in columns:
        return 1.0
    (factor,) = con.execute(
        f"select median({column} * {den} / {num}) from marts.{source.model}"
        f" where {num} <> 0 and {den} <> 0 and {column} is not null"
    ).fetchone()
    if factor is None or float(factor) <= 0:
        return 1.0
    return float(10 ** round(math.log10(float(factor))))


def _columns_of(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'marts' and table_name = ?",
            [table],
        ).fetchall()
    }


def read_catalog(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cursor = con.execute("select * from marts.dim_kpis order by kpi_key")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def values_sql(entry: Entry, source: Source) -> str:
    """One row per day and dimension values: the KPI's additive parts, as doubles (a
    union of DECIMAL columns of different scales would round them all to the smallest)."""
    m = "m"
    if entry.aggregation == "ratio":
        numerator = f"sum({m}.{entry.numerator})"
        denominator = f"sum({m}.{entry.denominator})"
    elif entry.aggregation == "max":
        numerator, denominator = f"max({m}.{entry.column})", "null"
    else:
        numerator, denominator = f"sum({m}.{entry.column})", "null"
    target = f"max({m}.{entry.target_column})" if entry.target_column else "null"
    dims = []
    joins = []
    for d in DIMENSIONS:
        if d in source.dimensions:
            dims.append(f"{m}.{d}")
        elif d == "team" and "team" in source.derived:
            dims.append("agents.team")
            joins.append("left join marts.dim_agents as agents on agents.agent_id = m.agent_id")
        elif d == "channel" and "channel" in source.derived:
            dims.append("queue_channels.channel")
            joins.append("left join queue_channels on queue_channels.queue_id = m.queue_id")
        else:
            dims.append("null")
    keys = ", ".join(f"{e} as {d}" for e, d in zip(dims, DIMENSIONS, strict=True))
    group = ", ".join(str(i) for i in range(4, 5 + len(DIMENSIONS)))
    with_channels = (
        "with queue_channels as (select queue_id, min(channel) as channel"
        " from marts.fct_contacts where queue_id is not null group by queue_id"
        " having count(distinct channel) = 1)\n"
        if "channel" in source.derived
        else ""
    )
    return f"""{with_channels}select
    '{entry.kpi_key}' as kpi_key,
    '{source.model}' as model,
    '{source.grain}' as grain,
    {m}.{source.date_column} as date_local,
    {keys},
    cast({numerator} as double) as numerator,
    cast({denominator} as double) as denominator,
    cast({target} as double) as target
from marts.{source.model} as {m}
{" ".join(joins)}
where {m}.{source.date_column} is not null
group by {group}"""


# the columns a roll-up over agents and teams keeps (kpi_values.csv: the center's pages)
CENTER_KEYS = "kpi_key, model, grain, date_local, queue_id, site_id, channel"


def center_query(con: duckdb.DuckDBPyConnection, values: str) -> str:
    """The rows of `values` summed over agents and teams: what the overview, queue, channel
    and family pages show, none of which splits by agent or team (D206).

    Exact: the parts are additive (a ratio's numerator and denominator, a count's sum) or
    a maximum, so the sum (maximum) of the agents' parts is the page's sum (maximum) of
    the same rows; rows stay apart by target, so a target blended by weight (kpi.js
    blendedTarget) weighs the same targets with the same weights. The sums add in a fixed
    order: a sum of doubles depends on its order, and the file's bytes must not."""
    entries = plan(con, read_catalog(con))
    maxes = sorted(k for k, e in entries.items() if e.aggregation == "max")
    is_max = f"kpi_key in ({', '.join(repr(k) for k in maxes)})" if maxes else "false"
    return f"""select {CENTER_KEYS},
    cast(null as varchar) as agent_id,
    cast(null as varchar) as team,
    case when {is_max} then max(numerator)
        else sum(numerator order by numerator) end as numerator,
    sum(denominator order by denominator) as denominator,
    target
from ({values})
group by {CENTER_KEYS}, target"""


EMPTY_VALUES = (
    "select null as kpi_key, null as model, null as grain, null::date as date_local,"
    " null as queue_id, null as site_id, null as channel, null as agent_id, null as team,"
    " null as numerator, null as denominator, null as target where false"
)


def values_query(con: duckdb.DuckDBPyConnection) -> str:
    """Every available catalog KPI's additive parts per model, day and dimension values
    (the rows of kpi_values.csv, unordered), up to the last day with contacts."""
    entries = plan(con, read_catalog(con))
    has_contacts = con.execute(
        "select count(*) from information_schema.columns where table_schema = 'marts' "
        "and table_name = 'fct_contacts' and column_name = 'contact_date'"
    ).fetchone()[0]
    # The reporting period ends on the last day with contacts: planning marts carry the
    # coming days (plan only) and QA evaluates calls days later, and neither is a day that
    # happened (DECISIONS.md D119); the planning marts keep them for their own pages.
    until = (
        "where date_local <= (select max(contact_date) from marts.fct_contacts)"
        if has_contacts
        else ""
    )
    parts = [values_sql(e, s) for e in entries.values() for s in e.sources]
    if not parts:
        return EMPTY_VALUES
    sql = "\nunion all\n".join(f"select * from ({p})" for p in parts)
    return f"select * from ({sql}) {until}"
