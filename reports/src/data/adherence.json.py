"""What the adherence page needs, from the workforce marts (select only).

{agents, teams, board, intervals}:
- agents: kpi_adherence_agent_daily per agent and day (name from dim_agents): adherence,
  adherence with out-of-shift work and conformance as numerators and denominators;
- teams: kpi_adherence_team_daily per team and day, the same parts;
- board: kpi_adherence_latest_day, the real-time-style board of the latest day;
- intervals: kpi_adherence_agent_interval for the latest day, when
  the warehouse has it with agent, interval start and adherence parts; else empty.
Days: the last ADHERENCE_DAYS days with adherence rows.
"""

import json
import sys

from _warehouse import _plain, connect

ADHERENCE_DAYS = 28
PARTS = ["adherence", "adherence_with_out_of_shift", "conformance"]

EMPTY: dict = {"columns": [], "rows": []}


def rows(con, sql: str) -> dict:
    """Columns once and rows as lists (a third of the size of a list of objects)."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return {"columns": names, "rows": [[_plain(v) for v in r] for r in cursor.fetchall()]}


def columns(con, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'marts' and table_name = ?",
            [table],
        ).fetchall()
    }


def part_columns(have: set[str]) -> str:
    return ", ".join(
        f"m.{p}_{side}"
        for p in PARTS
        for side in ("numerator", "denominator")
        if f"{p}_{side}" in have
    )


with connect() as con:
    agent_cols = columns(con, "kpi_adherence_agent_daily")
    team_cols = columns(con, "kpi_adherence_team_daily")
    since = "date '1900-01-01'"
    if agent_cols:
        last = con.execute(
            "select max(date_local) from marts.kpi_adherence_agent_daily"
        ).fetchone()[0]
        if last:
            since = f"date '{last}' - {ADHERENCE_DAYS - 1}"
    names = (
        "coalesce(a.agent_name, m.agent_id)"
        if "agent_name" in columns(con, "dim_agents")
        else "m.agent_id"
    )
    agents = (
        rows(
            con,
            f"""select m.agent_id, {names} as agent_name, m.team, m.site_id, m.date_local,
    {part_columns(agent_cols)}
from marts.kpi_adherence_agent_daily as m
left join marts.dim_agents as a on a.agent_id = m.agent_id
where m.date_local >= {since}
order by m.agent_id, m.date_local""",
        )
        if agent_cols
        else EMPTY
    )
    teams = (
        rows(
            con,
            f"""select m.team, m.site_id, m.date_local, {part_columns(team_cols)}
from marts.kpi_adherence_team_daily as m
where m.date_local >= {since}
order by m.team, m.date_local""",
        )
        if team_cols
        else EMPTY
    )
    board_cols = columns(con, "kpi_adherence_latest_day")
    wanted = [
        "agent_id", "agent_name", "team", "site_id", "date_local", "as_of_at", "scheduled_now",
        "state_now", "pause_reason_now", "is_in_adherence_now", "scheduled_seconds_so_far",
        "in_adherence_seconds_so_far", "adherence_so_far",
    ]  # fmt: skip
    board = (
        rows(
            con,
            f"select {', '.join(c for c in wanted if c in board_cols)}"
            " from marts.kpi_adherence_latest_day order by team, agent_id",
        )
        if board_cols
        else EMPTY
    )
    # the interval view (kpi_adherence_agent_interval), for the latest day; the page renders
    # without it on a warehouse built before the mart existed
    interval_cols = columns(con, "kpi_adherence_agent_interval")
    intervals = EMPTY
    if {
        "agent_id",
        "date_local",
        "interval_start_local",
        "interval_adherence_numerator",
        "interval_adherence_denominator",
    } <= interval_cols:
        intervals = rows(
            con,
            """select agent_id, date_local,
    strftime(interval_start_local, '%H:%M') as interval_time,
    interval_adherence_numerator as adherence_numerator,
    interval_adherence_denominator as adherence_denominator
from marts.kpi_adherence_agent_interval
where date_local = (select max(date_local) from marts.kpi_adherence_agent_interval)
    and interval_adherence_denominator > 0
order by agent_id, interval_start_local""",
        )

json.dump({"agents": agents, "teams": teams, "board": board, "intervals": intervals}, sys.stdout)
