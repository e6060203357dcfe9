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


# The models incremental by day (DECISIONS.md D130-D134), their day column, and a bigint
# column that the poison test below marks: a row still marked after a run was not rewritten.
BY_DAY = {
    "intermediate.int_queue_events_assigned_to_visits": ("call_day", "_row_number"),
    "marts.kpi_queue_daily": ("date_local", "calls_offered"),
    "marts.kpi_agent_daily": ("date_local", "contacts_handled"),
}
POISON = 1_000_000_000


def _poison(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for table, (_, column) in BY_DAY.items():
            con.execute(f"update {table} set {column} = {column} + {POISON}")


def _rewritten_days(warehouse: Path) -> dict[str, tuple[set[str], set[str]]]:
    """Per table: the days whose rows were all rewritten, and the days still all marked."""
    out = {}
    with duckdb.connect(str(warehouse)) as con:
        for table, (day, column) in BY_DAY.items():
            rows = con.execute(
                f"select strftime({day}, '%Y%m%d'), bool_and({column} < {POISON // 2}), "
                f"bool_and({column} >= {POISON // 2}) from {table} group by 1"
            ).fetchall()
            assert all(clean or marked for _, clean, marked in rows), (table, rows)
            out[table] = ({d for d, clean, _ in rows if clean}, {d for d, _, m in rows if m})
            con.execute(
                f"update {table} set {column} = {column} - {POISON} where {column} >= {POISON // 2}"
            )
    return out


def test_late_and_corrected_files_rebuild_only_the_days_they_touch(tmp_path: Path) -> None:
    """A new day; then a day's queue_log delivered late and a corrected re-delivery of the
    first day's file. After each incremental run every table equals a --full-refresh build
    of the same raw layer, and the rows of the days the late files do not touch were not
    rewritten (they keep a mark put on every row before the run)."""
    from orchestration.simulator import simulate

    sim, landing = tmp_path / "sim", tmp_path / "landing"
    warehouse = tmp_path / "incremental" / "ccwh.duckdb"
    simulate(sim, days=6, agents=4, start=date(2026, 11, 2), progress=False)  # Mon-Sat
    days = sorted({p.name[-8:] for p in (sim / "asterisk" / "queue_log").iterdir()})
    assert len(days) == 6, days
    first, late, new = days[0], days[3], days[-1]
    late_file = f"queue_log-{late}"

    # every day but the new one, without the late day's queue_log (its CDR is there)
    _land(sim, landing, lambda name: new not in name and name != late_file)
    _ingest(warehouse, landing)
    _dbt("seed", warehouse, tmp_path)
    _dbt("run", warehouse, tmp_path)

    # (a) a new day: an incremental run equals a full refresh
    _land(sim, landing, lambda name: new in name)
    _ingest(warehouse, landing)
    _dbt("run", warehouse, tmp_path)
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
    for table in ("marts.kpi_queue_daily", "marts.kpi_agent_daily"):
        done, kept = rewritten[table]
        assert late in done, (table, rewritten)
        assert done <= {first, days[1], previous, late}, (table, rewritten)
        assert {days[4], new} <= kept, (table, rewritten)

    shutil.copy(warehouse, full)
    _dbt("run", full, tmp_path, "--full-refresh")
    assert _differences(warehouse, full, tables) == {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        late_calls = con.execute(
            "select count(*) from marts.kpi_queue_daily "
            f"where strftime(date_local, '%Y%m%d') = '{late}'"
        ).fetchone()[0]
    assert late_calls > 0
