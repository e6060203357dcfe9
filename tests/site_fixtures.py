"""A small synthetic warehouse for the report-site tests.

Builds a DuckDB file holding only the marts the report site reads
(`marts.kpi_queue_interval`, `marts.kpi_queue_daily`, `marts.kpi_agent_daily`,
`marts.dim_queues`) with the column names of docs/contracts.md, section 3, and
plausible numbers: 3 queues (sales, support, billing) at site MAD, 28 local days,
30-minute intervals 08:00-19:30, a weekly and an intraday pattern, and a few bad
days. Deterministic for a seed.

The counts are drawn per interval; every other column (second totals, ratios with
their numerators and denominators, the daily table) is derived from them in SQL,
so the identities the real marts guarantee (answered + abandoned + flowed out +
in progress = offered, ratio = numerator / denominator) hold here too.

The browser tests use `build_synthetic_warehouse` until the real pipeline output is
wired in: pass any warehouse path with the same marts instead.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

QUEUES: list[dict] = [
    # queue_id, queue_name, site_id, service_level_target (+ the optional targets
    # that seeds/queue_config.csv carries; the site shows them when present)
    {
        "queue_id": "sales",
        "queue_name": "Ventas / Sales",
        "site_id": "MAD",
        "service_level_target": 0.80,
        "abandon_rate_target": 0.05,
        "asa_target_seconds": 20,
        "threshold": 20,
        "volume": 9.0,
        "skill": 0.93,
        "aht": 310.0,
    },
    {
        "queue_id": "support",
        "queue_name": "Soporte / Support",
        "site_id": "MAD",
        "service_level_target": 0.80,
        "abandon_rate_target": 0.08,
        "asa_target_seconds": 30,
        "threshold": 30,
        "volume": 14.0,
        "skill": 0.84,
        "aht": 420.0,
    },
    {
        "queue_id": "billing",
        "queue_name": "Facturacion / Billing",
        "site_id": "MAD",
        "service_level_target": 0.80,
        "abandon_rate_target": 0.05,
        "asa_target_seconds": 20,
        "threshold": 20,
        "volume": 5.0,
        "skill": 0.89,
        "aht": 260.0,
    },
]

AGENTS = [
    (f"Agent/{1000 + i}", f"Agent {1000 + i}", ["red", "blue", "green"][i % 3])
    for i in range(1, 19)
]

RATIOS = [
    "service_level",
    "service_level_offered",
    "service_level_abandons_positive",
    "service_level_abandons_ignored",
    "service_level_answered",
    "answer_rate",
    "abandonment_rate",
    "abandonment_rate_excluding_short",
    "transfer_rate",
]
AVERAGES = [
    "asa_seconds",
    "avg_wait_seconds",
    "aht_seconds",
    "avg_talk_seconds",
    "avg_hold_seconds",
    "avg_acw_seconds",
]
COUNTS = [
    "calls_offered",
    "calls_answered",
    "calls_abandoned",
    "calls_abandoned_caller_hangup",
    "calls_abandoned_timeout",
    "calls_abandoned_exit_key",
    "calls_abandoned_queue_empty",
    "calls_short_abandoned",
    "calls_flowed_out",
    "calls_in_progress",
    "calls_answered_within_threshold",
    "calls_abandoned_within_threshold",
    "calls_transferred",
    "calls_transferred_blind",
    "calls_transferred_attended",
    "calls_lost_before_queue",
    "calls_handled",
    "ring_no_answer_count",
]
SECONDS = [
    "wait_seconds_answered",
    "wait_seconds_all",
    "max_wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "handle_seconds",
]

# numerator, denominator of each ratio and average, written over the additive columns
RATIO_PARTS: dict[str, tuple[str, str]] = {
    "service_level": (
        "calls_answered_within_threshold",
        "calls_answered + calls_abandoned - calls_short_abandoned",
    ),
    "service_level_offered": ("calls_answered_within_threshold", "calls_offered"),
    "service_level_abandons_positive": (
        "calls_answered_within_threshold + calls_abandoned_within_threshold",
        "calls_offered",
    ),
    "service_level_abandons_ignored": (
        "calls_answered_within_threshold",
        "calls_offered - calls_abandoned_within_threshold",
    ),
    "service_level_answered": ("calls_answered_within_threshold", "calls_answered"),
    "answer_rate": ("calls_answered", "calls_offered"),
    "abandonment_rate": ("calls_abandoned", "calls_offered"),
    "abandonment_rate_excluding_short": (
        "calls_abandoned - calls_short_abandoned",
        "calls_offered - calls_short_abandoned",
    ),
    "transfer_rate": ("calls_transferred", "calls_answered"),
    "asa_seconds": ("wait_seconds_answered", "calls_answered"),
    "avg_wait_seconds": ("wait_seconds_all", "calls_offered"),
    "aht_seconds": ("handle_seconds", "calls_handled"),
    "avg_talk_seconds": ("talk_seconds", "calls_handled"),
    "avg_hold_seconds": ("hold_seconds", "calls_handled"),
    "avg_acw_seconds": ("acw_seconds", "calls_handled"),
}


def _binomial(rng: random.Random, n: int, p: float) -> int:
    p = min(max(p, 0.0), 1.0)
    return sum(1 for _ in range(n) if rng.random() < p)


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth; lam stays small (< 40) here
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def _interval_rows(rng: random.Random, first_day: date, days: int) -> list[tuple]:
    """Base counts per queue x interval; everything else is derived in SQL."""
    rows = []
    bad_days = {first_day + timedelta(days=d) for d in (6, 15, 23)}
    for q in QUEUES:
        for d in range(days):
            day = first_day + timedelta(days=d)
            weekday = day.weekday()
            week_factor = [1.25, 1.1, 1.0, 1.0, 0.95, 0.45, 0.25][weekday]
            # the last two weeks run a little better than the first two, so a
            # date filter moves the tiles
            day_skill = q["skill"] + (0.05 if d >= days // 2 else -0.03)
            if day in bad_days:
                day_skill -= 0.25
            for slot in range(24):  # 08:00 .. 19:30 local
                hour = 8 + slot / 2
                shape = math.exp(-((hour - 11.5) ** 2) / 6) + 0.8 * math.exp(
                    -((hour - 16.5) ** 2) / 5
                )
                lam = q["volume"] * week_factor * (0.25 + shape)
                load = min(lam / (q["volume"] * 1.6), 1.0)
                offered = _poisson(rng, lam)
                p_abandon = max(0.01, 0.02 + 0.10 * load + (0.75 - day_skill) * 0.3)
                abandoned = _binomial(rng, offered, p_abandon)
                flowed_out = _binomial(rng, offered - abandoned, 0.01)
                answered = offered - abandoned - flowed_out
                short_abandoned = _binomial(rng, abandoned, 0.3)
                abandoned_within = short_abandoned + _binomial(
                    rng, abandoned - short_abandoned, 0.35
                )
                p_sl = day_skill - 0.18 * load + rng.uniform(-0.04, 0.04)
                answered_within = _binomial(rng, answered, p_sl)
                hangup = _binomial(rng, abandoned, 0.8)
                timeout = _binomial(rng, abandoned - hangup, 0.6)
                exit_key = _binomial(rng, abandoned - hangup - timeout, 0.7)
                queue_empty = abandoned - hangup - timeout - exit_key
                transferred = _binomial(rng, answered, 0.08)
                blind = _binomial(rng, transferred, 0.6)
                lost = _binomial(rng, offered, 0.02)
                rna = _poisson(rng, 0.05 * answered)
                # seconds
                asa = q["threshold"] * (1.6 - p_sl) * rng.uniform(0.7, 1.3)
                wait_answered = round(answered * asa)
                wait_abandoned = round(abandoned * rng.uniform(15, 60))
                max_wait = round(asa * rng.uniform(2.5, 5.0) + 10) if offered else 0
                aht = q["aht"] * rng.uniform(0.85, 1.2) * (1.0 + 0.15 * load)
                handle = round(answered * aht)
                acw = round(handle * 0.15)
                hold = round(handle * 0.07)
                talk = handle - acw - hold
                local_start = datetime.combine(day, datetime.min.time()) + timedelta(
                    minutes=30 * slot + 480
                )
                utc_start = local_start - timedelta(hours=1)  # Europe/Madrid in February: UTC+1
                rows.append(
                    (
                        q["queue_id"],
                        q["site_id"],
                        utc_start,
                        local_start,
                        day,
                        local_start.strftime("%H:%M"),
                        offered,
                        answered,
                        abandoned,
                        hangup,
                        timeout,
                        exit_key,
                        queue_empty,
                        short_abandoned,
                        flowed_out,
                        0,
                        answered_within,
                        abandoned_within,
                        transferred,
                        blind,
                        transferred - blind,
                        lost,
                        answered,
                        rna,
                        wait_answered,
                        wait_answered + wait_abandoned,
                        max_wait,
                        talk,
                        hold,
                        acw,
                        handle,
                        q["service_level_target"],
                    )
                )
    return rows


def _measure_columns(aggregate: bool) -> str:
    """Counts and second totals (summed when aggregating), then ratios and averages."""
    parts = []
    for c in COUNTS + SECONDS:
        if aggregate:
            parts.append(f"{'max' if c == 'max_wait_seconds' else 'sum'}({c})::bigint as {c}")
        else:
            parts.append(f"{c}::bigint as {c}")
    return ",\n        ".join(parts)


def _ratio_columns() -> str:
    parts = []
    for name in RATIOS + AVERAGES:
        num, den = RATIO_PARTS[name]
        parts.append(
            f"case when ({den}) > 0"
            f" then (({num})::double / ({den}))::numeric(28, 6) end as {name},\n"
            f"        ({num})::bigint as {name}_numerator,\n"
            f"        ({den})::bigint as {name}_denominator"
        )
    return ",\n        ".join(parts)


def build_synthetic_warehouse(
    path: Path, *, first_day: date = date(2024, 2, 1), days: int = 28, seed: int = 7
) -> Path:
    """Write a DuckDB file at `path` with the four marts the report site reads."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    rng = random.Random(seed)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(
            """
            create temp table base (
                queue_id varchar, site_id varchar, interval_start_at timestamp,
                interval_start_local timestamp, date_local date, interval_time_local varchar,
                calls_offered int, calls_answered int, calls_abandoned int,
                calls_abandoned_caller_hangup int, calls_abandoned_timeout int,
                calls_abandoned_exit_key int, calls_abandoned_queue_empty int,
                calls_short_abandoned int, calls_flowed_out int, calls_in_progress int,
                calls_answered_within_threshold int, calls_abandoned_within_threshold int,
                calls_transferred int, calls_transferred_blind int,
                calls_transferred_attended int, calls_lost_before_queue int,
                calls_handled int, ring_no_answer_count int,
                wait_seconds_answered bigint, wait_seconds_all bigint, max_wait_seconds bigint,
                talk_seconds bigint, hold_seconds bigint, acw_seconds bigint,
                handle_seconds bigint, service_level_target numeric(28, 6)
            )
            """
        )
        con.executemany(
            "insert into base values (" + ", ".join(["?"] * 32) + ")",
            _interval_rows(rng, first_day, days),
        )
        con.execute(
            f"""
            create table marts.kpi_queue_interval as
            with measures as (
                select
                    queue_id, site_id, interval_start_at, interval_start_local, date_local,
                    interval_time_local,
                    {_measure_columns(aggregate=False)},
                    service_level_target
                from base
            )
            select
                queue_id, site_id, interval_start_at, interval_start_local, date_local,
                interval_time_local,
                {", ".join(COUNTS + SECONDS)},
                {_ratio_columns()},
                service_level_target
            from measures
            order by queue_id, interval_start_at
            """
        )
        con.execute(
            f"""
            create table marts.kpi_queue_daily as
            with measures as (
                select
                    queue_id, site_id, date_local,
                    {_measure_columns(aggregate=True)},
                    max(service_level_target) as service_level_target
                from marts.kpi_queue_interval
                group by queue_id, site_id, date_local
            )
            select
                queue_id, site_id, date_local,
                {", ".join(COUNTS + SECONDS)},
                {_ratio_columns()},
                service_level_target
            from measures
            order by queue_id, date_local
            """
        )
        con.execute(
            """
            create table marts.dim_queues (
                queue_id varchar primary key, queue_name varchar, site_id varchar,
                service_level_target numeric(28, 6), abandon_rate_target numeric(28, 6),
                asa_target_seconds integer
            )
            """
        )
        con.executemany(
            "insert into marts.dim_queues values (?, ?, ?, ?, ?, ?)",
            [
                (
                    q["queue_id"],
                    q["queue_name"],
                    q["site_id"],
                    q["service_level_target"],
                    q["abandon_rate_target"],
                    q["asa_target_seconds"],
                )
                for q in QUEUES
            ],
        )
        _agent_daily(con, rng, first_day, days)
    finally:
        con.close()
    return path


def _agent_daily(
    con: duckdb.DuckDBPyConnection, rng: random.Random, first_day: date, days: int
) -> None:
    rows = []
    for agent_id, agent_name, team in AGENTS:
        for d in range(days):
            day = first_day + timedelta(days=d)
            if day.weekday() >= 5 and rng.random() < 0.7:
                continue
            logged_in = 8 * 3600 - rng.randint(0, 1800)
            paused = rng.randint(3000, 5400)
            busy_share = rng.uniform(0.70, 0.90) + (0.03 if d >= days // 2 else 0.0)
            working = logged_in - paused
            handling = round(working * min(busy_share, 0.97))
            available = working - handling
            contacts = max(1, round(handling / rng.uniform(280, 420)))
            acw = round(handling * 0.15)
            hold = round(handling * 0.06)
            talk = handling - acw - hold
            rows.append(
                (
                    agent_id,
                    "MAD",
                    day,
                    agent_name,
                    team,
                    contacts,
                    talk,
                    hold,
                    acw,
                    handling,
                    talk + hold,
                    available,
                    paused,
                    logged_in,
                )
            )
    con.execute(
        """
        create temp table agent_base (
            agent_id varchar, site_id varchar, date_local date, agent_name varchar, team varchar,
            contacts_handled int, talk_seconds bigint, hold_seconds bigint, acw_seconds bigint,
            handle_seconds bigint, on_contact_seconds bigint, available_seconds bigint,
            paused_seconds bigint, logged_in_seconds bigint
        )
        """
    )
    con.executemany("insert into agent_base values (" + ", ".join(["?"] * 14) + ")", rows)
    parts = {
        "occupancy": (
            "on_contact_seconds + acw_seconds",
            "on_contact_seconds + acw_seconds + available_seconds",
        ),
        "utilization": ("on_contact_seconds + acw_seconds", "logged_in_seconds"),
        "shrinkage": ("paused_seconds", "logged_in_seconds"),
        "aht_seconds": ("handle_seconds", "contacts_handled"),
    }
    ratio_sql = ",\n            ".join(
        f"case when ({den}) > 0 then (({num})::double / ({den}))::numeric(28, 6) end as {name}, "
        f"({num})::bigint as {name}_numerator, ({den})::bigint as {name}_denominator"
        for name, (num, den) in parts.items()
    )
    con.execute(
        f"""
        create table marts.kpi_agent_daily as
        select
            agent_id, site_id, date_local, agent_name, team,
            contacts_handled, talk_seconds, hold_seconds, acw_seconds, handle_seconds,
            on_contact_seconds, available_seconds, paused_seconds, logged_in_seconds,
            {ratio_sql}
        from agent_base
        order by agent_id, date_local
        """
    )


if __name__ == "__main__":  # python tests/site_fixtures.py build/synthetic.duckdb
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/site-synthetic.duckdb")
    print(build_synthetic_warehouse(out))
