"""Incremental builds give the same warehouse as a full refresh (DECISIONS.md D60).

A small simulated center is landed day by day: the first days are ingested and built, then
a new day arrives together with a re-delivered copy of an earlier file (every event a
duplicate) and a corrected version of another file (one line fewer, so the ledger replaces
it). After the incremental `dbt build`, every table of the staging, intermediate and marts
schemas must equal, as a multiset of rows, what `dbt build --full-refresh` makes of the same
raw layer. Then the original of the copied file is delivered again (loaded after its
copy): the copy's rows take its place in staging.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_cli import run_dbt

pytestmark = pytest.mark.e2e

START = date(2026, 10, 23)  # Friday to Monday over the autumn clock change
DAYS = 4
SCHEMAS = ("staging", "intermediate", "marts")


def _land(sim: Path, landing: Path, keep) -> None:
    for src in sorted(p for p in sim.rglob("*") if p.is_file()):
        if keep(src.name):
            dest = landing / src.relative_to(sim)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest)


def _ingest(warehouse: Path, landing: Path) -> None:
    from orchestration.ingest import ingest_landing

    results = ingest_landing(warehouse, landing)
    assert not [r for r in results if r.status in ("failed", "rejected")], [
        (r.file_name, r.status, r.message) for r in results
    ]


def _tables(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' and table_schema in ('staging', "
                "'intermediate', 'marts') order by 1, 2"
            ).fetchall()
        ]


def _differences(left: Path, right: Path, tables: list[str]) -> dict[str, tuple[int, int]]:
    """Rows of each table in one warehouse and not in the other (multisets)."""
    out = {}
    with duckdb.connect(str(left), read_only=True) as con:
        con.execute(f"attach '{right}' as other (read_only)")
        for table in tables:
            a = con.execute(
                f"select count(*) from (select * from {table} except all "
                f"select * from other.{table})"
            ).fetchone()[0]
            b = con.execute(
                f"select count(*) from (select * from other.{table} except all "
                f"select * from {table})"
            ).fetchone()[0]
            if a or b:
                out[table] = (a, b)
    return out


def _dbt(command: str, warehouse: Path, root: Path, *args: str) -> None:
    run_dbt([command, "--quiet", *args], warehouse_path=warehouse,
            target_path=root / "target", quiet=True)  # fmt: skip


def test_incremental_build_equals_full_refresh(tmp_path: Path) -> None:
    from orchestration.simulator import simulate

    sim, landing = tmp_path / "sim", tmp_path / "landing"
    warehouse = tmp_path / "incremental" / "ccwh.duckdb"
    simulate(sim, days=DAYS, agents=6, start=START, progress=False)
    days = sorted({p.name[-8:] for p in (sim / "asterisk" / "queue_log").iterdir()})
    assert len(days) >= 3, days
    last, copied, corrected = days[-1], days[-2], days[0]

    # the first days, built from scratch
    _land(sim, landing, lambda name: last not in name)
    _ingest(warehouse, landing)
    _dbt("seed", warehouse, tmp_path)
    _dbt("run", warehouse, tmp_path)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        staged_before = con.execute(
            "select count(*) from staging.stg_asterisk__queue_log_events"
        ).fetchone()[0]
    assert staged_before > 0

    # a new day, a re-delivered copy of a file, a corrected file
    _land(sim, landing, lambda name: last in name)
    queue_log = landing / "asterisk" / "queue_log"
    shutil.copy(queue_log / f"queue_log-{copied}", queue_log / f"queue_log-{copied}.resent")
    fixed = queue_log / f"queue_log-{corrected}"
    fixed.write_text("".join(fixed.read_text().splitlines(keepends=True)[:-1]))
    _ingest(warehouse, landing)
    _dbt("build", warehouse, tmp_path)  # the tests pass on the incremental result too

    full = tmp_path / "full" / "ccwh.duckdb"
    full.parent.mkdir()
    shutil.copy(warehouse, full)
    _dbt("run", full, tmp_path, "--full-refresh")
    tables = _tables(full)
    assert "staging.stg_asterisk__queue_log_events" in tables
    assert "marts.kpi_queue_interval" in tables
    assert _differences(warehouse, full, tables) == {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        by_file = dict(
            con.execute(
                "select _file_name, count(*) from staging.stg_asterisk__queue_log_events "
                f"where _file_name like '%{copied}%' group by 1"
            ).fetchall()
        )
    # the copy came later: every one of its events is a duplicate of the original's
    assert list(by_file) == [f"asterisk/queue_log/queue_log-{copied}"]

    # the original delivered again, after its copy: the copy's rows replace it in staging
    original = queue_log / f"queue_log-{copied}"
    original.write_text(original.read_text() + "\n")
    _ingest(warehouse, landing)
    staging = ["--select", "stg_asterisk__queue_log_events"]
    _dbt("run", warehouse, tmp_path, *staging)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        by_file_after = dict(
            con.execute(
                "select _file_name, count(*) from staging.stg_asterisk__queue_log_events "
                f"where _file_name like '%{copied}%' group by 1"
            ).fetchall()
        )
    assert by_file_after == {
        f"asterisk/queue_log/queue_log-{copied}.resent": by_file[
            f"asterisk/queue_log/queue_log-{copied}"
        ]
    }
    shutil.copy(warehouse, full)
    _dbt("run", full, tmp_path, "--full-refresh", *staging)
    assert _differences(warehouse, full, ["staging.stg_asterisk__queue_log_events"]) == {}


@pytest.mark.parametrize("full_refresh", [False, True])
def test_run_full_refresh_is_a_valid_run_config(full_refresh: bool) -> None:
    import dagster as dg

    from orchestration.cli import build_parser, main_run_config
    from orchestration.definitions import defs

    argv = ["run", "--full-refresh"] if full_refresh else ["run"]
    args = build_parser().parse_args(argv)
    assert args.full_refresh is full_refresh
    config = main_run_config("WARNING", full_refresh=args.full_refresh)
    assert ("ops" in config) is full_refresh
    dg.validate_run_config(defs.resolve_job_def("main"), config)


# The models incremental by day (DECISIONS.md D130-D134, D180-D189), their day column, and a
# column that the poison test below marks (a bigint, or a text column that ends in "#"): a
# row still marked after a run was not rewritten. The marked column must be one that no model
# reads during the run, nor fingerprints (a marked row would look changed, or leak into a
# rebuilt day downstream).
BY_DAY = {
    "intermediate.int_queue_events_assigned_to_visits": ("call_day", "_row_number"),
    "intermediate.int_acw_pauses_attributed_to_visits": ("call_day", "event_count"),
    "intermediate.int_agent_pause_intervals": ("session_day", "pause_category#"),
    "intermediate.int_agent_states_segmented": ("session_day", "agent_session_id#"),
    "marts.fct_agent_states": ("state_date", "agent_state_id#"),
    "marts.kpi_queue_daily": ("date_local", "calls_offered"),
    "marts.kpi_agent_daily": ("date_local", "contacts_handled"),
}
SESSION_DAY = ("intermediate.int_agent_pause_intervals", "intermediate.int_agent_states_segmented")
POISON = 1_000_000_000


def _poison_sql(column: str) -> tuple[str, str, str]:
    """The update that marks a column, the condition of a marked row, the update that unmarks."""
    if column.endswith("#"):
        c = column[:-1]
        return f"{c} = {c} || '#'", f"{c} like '%#'", f"{c} = left({c}, length({c}) - 1)"
    return (
        f"{column} = {column} + {POISON}",
        f"{column} >= {POISON // 2}",
        (f"{column} = {column} - {POISON}"),
    )


def _poison(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for table, (_, column) in BY_DAY.items():
            con.execute(f"update {table} set {_poison_sql(column)[0]}")


def _rewritten_days(warehouse: Path) -> dict[str, tuple[set[str], set[str]]]:
    """Per table: the days whose rows were all rewritten, and the days still all marked."""
    out = {}
    with duckdb.connect(str(warehouse)) as con:
        for table, (day, column) in BY_DAY.items():
            _, marked, unmark = _poison_sql(column)
            rows = con.execute(
                f"select strftime({day}, '%Y%m%d'), bool_and(not ({marked})), "
                f"bool_and({marked}) from {table} group by 1"
            ).fetchall()
            assert all(clean or marked for _, clean, marked in rows), (table, rows)
            out[table] = ({d for d, clean, _ in rows if clean}, {d for d, _, m in rows if m})
            con.execute(f"update {table} set {unmark} where {marked}")
    return out


def _epoch(day: str, hhmmss: str) -> int:
    from datetime import UTC, datetime

    return int(datetime.strptime(day + hhmmss, "%Y%m%d%H:%M:%S").replace(tzinfo=UTC).timestamp())


def _night_session(sim: Path, eve: str, new: str) -> str:
    """An agent who logs in again at 23:00 UTC on `eve`, pauses, takes a call at 23:40 and
    is still logged in, paused for nothing and connected, at the end of `eve`'s file: a
    session open at the end of the first load, crossing midnight, with a call still
    connected; `new`'s file ends the call at 00:05, adds its after-call work and logs the
    agent off at 01:00."""
    queue_log = sim / "asterisk" / "queue_log"
    agent = next(
        line.split("|")[3]
        for line in (queue_log / f"queue_log-{eve}").read_text().splitlines()
        if "|ADDMEMBER|" in line
    )
    call = f"{_epoch(eve, '23:40:00')}.9999"
    evening = [
        f"{_epoch(eve, '23:00:00')}|NONE|support|{agent}|ADDMEMBER|",
        f"{_epoch(eve, '23:20:00')}|NONE|support|{agent}|PAUSE|Break",
        f"{_epoch(eve, '23:30:00')}|NONE|support|{agent}|UNPAUSE|",
        f"{_epoch(eve, '23:40:00')}|{call}|support|NONE|ENTERQUEUE||600000001|1",
        f"{_epoch(eve, '23:40:30')}|{call}|support|{agent}|CONNECT|30|{call}1|2",
    ]
    morning = [
        f"{_epoch(new, '00:05:00')}|{call}|support|{agent}|COMPLETECALLER|30|1470|1",
        f"{_epoch(new, '00:05:00')}|NONE|support|{agent}|PAUSE|ACW",
        f"{_epoch(new, '00:06:00')}|NONE|support|{agent}|UNPAUSE|",
        f"{_epoch(new, '01:00:00')}|NONE|support|{agent}|REMOVEMEMBER|",
    ]
    for day, lines in ((eve, evening), (new, morning)):
        path = queue_log / f"queue_log-{day}"
        text = path.read_text()
        path.write_text(text + ("" if text.endswith("\n") else "\n") + "\n".join(lines) + "\n")
    return agent


def test_late_and_corrected_files_rebuild_only_the_days_they_touch(tmp_path: Path) -> None:
    """A new day, which ends a session open at the end of the first load (it crosses
    midnight, with a call still connected); then a day's queue_log delivered late and a
    corrected re-delivery of the first day's file. After each incremental run every table
    equals a --full-refresh build of the same raw layer, and the rows of the days the new
    files do not touch were not rewritten (they keep a mark put on every row before the
    run)."""
    from orchestration.simulator import simulate

    sim, landing = tmp_path / "sim", tmp_path / "landing"
    warehouse = tmp_path / "incremental" / "ccwh.duckdb"
    simulate(sim, days=6, agents=4, start=date(2026, 11, 2), progress=False)  # Mon-Sat
    days = sorted({p.name[-8:] for p in (sim / "asterisk" / "queue_log").iterdir()})
    assert len(days) == 6, days
    first, late, eve, new = days[0], days[3], days[4], days[-1]
    late_file = f"queue_log-{late}"
    agent = _night_session(sim, eve, new)

    # every day but the new one, without the late day's queue_log (its CDR is there)
    _land(sim, landing, lambda name: new not in name and name != late_file)
    _ingest(warehouse, landing)
    _dbt("seed", warehouse, tmp_path)
    _dbt("run", warehouse, tmp_path)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        open_session = con.execute(
            "select session_started_at, session_ended_at, is_ended_by_logoff "
            "from intermediate.int_agent_sessions_sessionized "
            f"where agent_id = '{agent}' order by session_started_at desc limit 1"
        ).fetchone()
    assert open_session[0].strftime("%Y%m%d %H:%M") == f"{eve} 23:00", open_session
    assert open_session[1].strftime("%Y%m%d %H:%M") == f"{eve} 23:40", open_session
    assert open_session[2] is False, open_session

    # (a) a new day: an incremental run equals a full refresh, and rewrites only the new
    # day and the day its open session started on
    _poison(warehouse)
    _land(sim, landing, lambda name: new in name)
    _ingest(warehouse, landing)
    _dbt("run", warehouse, tmp_path)
    rewritten = _rewritten_days(warehouse)
    # (the queue marts follow fct_contacts, whose days change for reasons of their own)
    # (the ACW attribution rebuilds two call days before a changed one, D183)
    for table in set(BY_DAY) - {"marts.kpi_queue_daily", "marts.kpi_agent_daily"}:
        done, kept = rewritten[table]
        lookback = 1 + 2 * ("int_acw_" in table)  # days[3] is the late one: no calls
        assert new in done and done <= {*days[4 - lookback : 4], eve, new}, (table, rewritten)
        assert set(days[: 4 - lookback]) <= kept, (table, rewritten)
    for table in SESSION_DAY:  # the night session, rebuilt whole on the day it began
        assert eve in rewritten[table][0], (table, rewritten)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        night = con.execute(
            "select min(state_started_at), max(state_ended_at), count(distinct agent_session_id), "
            "sum(case when state = 'on_contact' then duration_seconds else 0 end) "
            "from intermediate.int_agent_states_segmented "
            f"where agent_id = '{agent}' and session_day = "
            f"cast('{eve[:4]}-{eve[4:6]}-{eve[6:]}' as date) and state_started_at >= "
            f"cast('{eve[:4]}-{eve[4:6]}-{eve[6:]} 23:00:00' as timestamp)"
        ).fetchone()
    assert night[0].strftime("%Y%m%d %H:%M") == f"{eve} 23:00", night
    assert night[1].strftime("%Y%m%d %H:%M") == f"{new} 01:00", night
    assert night[2:] == (1, 1470), night
    full = tmp_path / "full" / "ccwh.duckdb"
    full.parent.mkdir()
    shutil.copy(warehouse, full)
    _dbt("run", full, tmp_path, "--full-refresh")
    tables = _tables(full)
    assert set(BY_DAY) <= set(tables)
    assert _differences(warehouse, full, tables) == {}

    # (b) the late file, and a corrected re-delivery of the first day's file
    _poison(warehouse)
    _land(sim, landing, lambda name: name == late_file)
    corrected = landing / "asterisk" / "queue_log" / f"queue_log-{first}"
    corrected.write_text("".join(corrected.read_text().splitlines(keepends=True)[:-1]))
    _ingest(warehouse, landing)
    _dbt("run", warehouse, tmp_path)
    rewritten = _rewritten_days(warehouse)
    previous = days[2]
    # call days: the changed days and the day before (a call may start the day before)
    calls_rewritten, calls_kept = rewritten["intermediate.int_queue_events_assigned_to_visits"]
    assert calls_rewritten == {first, previous, late}, rewritten
    assert calls_kept == {days[1], days[4], new}, rewritten
    # local days of the marts: only the days whose contacts or agent states changed. The
    # corrected file lost its last line (an agent's log-off, say): the agent's session then
    # runs on to the next event, the next morning, so the day after the first may change too
    for table in ("marts.fct_agent_states", "marts.kpi_queue_daily", "marts.kpi_agent_daily",
                  "intermediate.int_acw_pauses_attributed_to_visits", *SESSION_DAY):  # fmt: skip
        done, kept = rewritten[table]
        after = {days[4]} if "int_acw_" in table else set()  # one day after a change (D183)
        assert late in done, (table, rewritten)
        assert done <= {first, days[1], previous, late, *after}, (table, rewritten)
        assert {days[4], new} - after <= kept, (table, rewritten)

    shutil.copy(warehouse, full)
    _dbt("run", full, tmp_path, "--full-refresh")
    assert _differences(warehouse, full, tables) == {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        late_calls = con.execute(
            "select count(*) from marts.kpi_queue_daily "
            f"where strftime(date_local, '%Y%m%d') = '{late}'"
        ).fetchone()[0]
    assert late_calls > 0
