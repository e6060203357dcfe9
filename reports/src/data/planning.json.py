"""What the planning page needs, from the planning marts (select only, no full dumps).

{intervals, staffing, accuracy_daily, accuracy_weekly, horizon}:
- intervals: kpi_plan_vs_actual_interval per queue and interval (local start time from the
  queue's time zone) over the last PLAN_DAYS days with calls and every coming day of the
  plan (is_future): forecast vs offered calls, Erlang C required and scheduled-needed
  agents, predicted vs achieved service level (as additive parts);
- staffing: kpi_staffing_interval per site and interval over the same days: required,
  needed with shrinkage, scheduled on queue and available agents;
- accuracy_daily / accuracy_weekly: kpi_forecast_accuracy_daily/_weekly per queue and
  day or week: WAPE (interval and day/week grain) and bias numerators and denominators of
  the model, the seasonal-naive baseline and the WFM forecast.
A mart the warehouse lacks gives an empty list (the page says "No data yet").
"""

import json
import sys

from _warehouse import _plain, connect

PLAN_DAYS = 28  # days with calls shown before the plan's coming days
SOURCES = ["model", "baseline", "wfm"]


def tables(con) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'marts'"
    ).fetchall():
        out.setdefault(table, set()).add(column)
    return out


EMPTY: dict = {"columns": [], "rows": []}


def rows(con, sql: str) -> dict:
    """Columns once and rows as lists (a third of the size of a list of objects)."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return {"columns": names, "rows": [[_plain(v) for v in r] for r in cursor.fetchall()]}


with connect() as con:
    have = tables(con)
    last_actual = None
    if "kpi_plan_vs_actual_interval" in have:
        last_actual = con.execute(
            "select max(date_local) from marts.kpi_plan_vs_actual_interval where not is_future"
        ).fetchone()[0]
    since = f"date '{last_actual}' - {PLAN_DAYS - 1}" if last_actual else "date '1900-01-01'"
    # local wall-clock start of an interval: the UTC start in the site's time zone
    local = (
        "strftime(timezone(z.time_zone, timezone('UTC', m.interval_start_at)), '%Y-%m-%d %H:%M')"
    )
    intervals = (
        rows(
            con,
            f"""select
    m.queue_id,
    m.date_local,
    {local} as interval_start_local,
    m.is_future,
    m.forecast_calls,
    m.calls_offered,
    m.required_agents,
    m.required_agents_erlang_a,
    m.scheduled_agents_needed,
    m.predicted_service_level,
    m.calls_answered_within_threshold,
    m.service_level_calls
from marts.kpi_plan_vs_actual_interval as m
left join marts.dim_queues as z on z.queue_id = m.queue_id
where m.date_local >= {since}
order by m.queue_id, m.interval_start_at""",
        )
        if "kpi_plan_vs_actual_interval" in have and "dim_queues" in have
        else EMPTY
    )
    staffing = (
        rows(
            con,
            f"""select
    m.site_id,
    m.date_local,
    {local} as interval_start_local,
    m.required_agents,
    m.scheduled_needed_agents,
    m.scheduled_on_queue_agents,
    m.available_agents
from marts.kpi_staffing_interval as m
left join (select site_id, min(time_zone) as time_zone from marts.dim_queues group by site_id)
    as z on z.site_id = m.site_id
where m.date_local >= {since}
order by m.site_id, m.interval_start_at""",
        )
        if "kpi_staffing_interval" in have and "dim_queues" in have
        else EMPTY
    )

    def accuracy(table: str, date_column: str, grain: str) -> list[dict]:
        if table not in have:
            return EMPTY
        parts = []
        for source in SOURCES:
            for kpi in (f"{source}_wape_interval", f"{source}_wape_{grain}", f"{source}_bias"):
                for side in ("numerator", "denominator"):
                    if f"{kpi}_{side}" in have[table]:
                        parts.append(f"{kpi}_{side}")
        if not parts:
            return EMPTY
        return rows(
            con,
            f"select queue_id, {date_column} as date_local, {', '.join(parts)}"
            f" from marts.{table} order by {date_column}, queue_id",
        )

    accuracy_daily = accuracy("kpi_forecast_accuracy_daily", "date_local", "daily")
    accuracy_weekly = accuracy("kpi_forecast_accuracy_weekly", "week_start_date", "weekly")

json.dump(
    {
        "last_actual_date": _plain(last_actual),
        "intervals": intervals,
        "staffing": staffing,
        "accuracy_daily": accuracy_daily,
        "accuracy_weekly": accuracy_weekly,
    },
    sys.stdout,
)
