"""Cross-engine check: the same landing files give the same marts on DuckDB, PostgreSQL, Spark.

A small simulated center (Friday to Monday over the autumn clock change) plus the real
extracts of ../shared/data that other sources read (Amazon Connect CTRs, the anonymous
bank's call log) is ingested into DuckDB once and built there with `dbt build`; its raw
layer is then copied to the other engine (orchestration.engines), the same `dbt build`
(every model, data test and unit test) runs there, and every mart table (kpi_*,
fct_contacts, facts and dimensions) and seed table is compared with DuckDB's row for row:
exact columns equal, numeric columns within 1e-9.

PostgreSQL runs in `make test` (a throw-away local server, about a minute); Spark in
`make test-spark` (`-m spark`: the JVM and dbt-spark's one-statement-at-a-time session make
it several minutes).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from orchestration.dbt_cli import run_dbt
from orchestration.engines.compare import (
    TableComparison,
    compare_tables,
    duckdb_reader,
    warehouse_tables,
)
from tests.conftest import PROJECT_DIR, SHARED_DATA

pytestmark = pytest.mark.engines

DAYS = 4
AGENTS = 12
START = date(2026, 10, 23)
TOLERANCE = 1e-9
ARTIFACTS = PROJECT_DIR / "test-artifacts"
# staging models incremental by file: an incremental run is checked on the other engines too
STAGING_INCREMENTAL = ["staging.stg_asterisk__queue_log_events", "staging.stg_asterisk__cdrs"]
# models incremental by day (DECISIONS.md D130, D180-D183) and their day column
BY_DAY_INCREMENTAL = {
    "intermediate.int_queue_events_assigned_to_visits": "call_day",
    "intermediate.int_queue_visits_sessionized": "call_day",
    "intermediate.int_agent_pause_intervals": "session_day",
    "intermediate.int_agent_states_segmented": "session_day",
    "intermediate.int_acw_pauses_attributed_to_visits": "call_day",
    "marts.fct_agent_states": "state_date",
    "marts.kpi_queue_interval": "date_local",
    "marts.kpi_queue_daily": "date_local",
    "marts.kpi_agent_daily": "date_local",
}

# real extracts added to the simulated landing folder when ../shared/data is there
SHARED_EXTRACTS = {
    "amazon_connect/ctr": [
        "amazon_connect/ctr-record-1.json",
        "amazon_connect/fh-ctr-example.json",
    ],
    "mapped/anonymous_bank": ["anonymous_bank/1999-01.tsv"],
}


@dataclass(frozen=True)
class DuckdbBuild:
    root: Path
    warehouse: Path
    tables: list[str]
    build_seconds: float


@pytest.fixture(scope="module")
def duckdb_build(tmp_path_factory: pytest.TempPathFactory) -> DuckdbBuild:
    from orchestration.ingest import ingest_landing
    from orchestration.simulator import simulate

    root = tmp_path_factory.mktemp("engines")
    landing = root / "landing"
    warehouse = root / "duckdb" / "ccwh.duckdb"
    simulate(landing, days=DAYS, agents=AGENTS, start=START, progress=False)
    for folder, files in SHARED_EXTRACTS.items():
        for name in files:
            if (SHARED_DATA / name).exists():
                (landing / folder).mkdir(parents=True, exist_ok=True)
                shutil.copy(SHARED_DATA / name, landing / folder)
    failed = [r for r in ingest_landing(warehouse, landing) if r.status == "failed"]
    assert not failed, [(r.file_name, r.message) for r in failed]
    started = time.perf_counter()
    run_dbt(
        ["build"],
        warehouse_path=warehouse,
        target_path=root / "target-duckdb",
        env={"CCWH_DBT_TARGET": "duckdb"},
        quiet=True,
    )
    return DuckdbBuild(root, warehouse, warehouse_tables(warehouse), time.perf_counter() - started)


def _report(engine: str, build: DuckdbBuild, results: list[TableComparison], timings: dict) -> str:
    summary = {
        "engine": engine,
        "tolerance": TOLERANCE,
        "duckdb_build_seconds": round(build.build_seconds, 1),
        **{k: round(v, 1) for k, v in timings.items()},
        "tables": {
            r.table: {
                "rows": r.rows,
                "max_abs_difference": r.max_abs_difference,
                "equal": r.equal,
                "problems": r.problems,
            }
            for r in results
        },
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"engines-{engine}.json").write_text(json.dumps(summary, indent=1))
    lines = [
        f"{r.table}: {r.rows} rows, max |diff| {r.max_abs_difference:g}"
        + ("" if r.equal else f" DIFFERENT: {r.problems}")
        for r in results
    ]
    return "\n".join(lines)


def _assert_equal(engine: str, results: list[TableComparison]) -> None:
    compared = {r.table for r in results}
    assert "marts.fct_contacts" in compared and "marts.kpi_queue_daily" in compared, compared
    assert all(r.rows > 0 for r in results if r.table.startswith(("marts.kpi_", "marts.fct_")))
    different = [r for r in results if not r.equal]
    assert not different, f"{engine} marts differ from DuckDB's:\n" + "\n".join(
        f"{r.table}: {r.problems}" for r in different
    )


def test_postgres_builds_the_same_marts(duckdb_build: DuckdbBuild, tmp_path: Path):
    pytest.importorskip("psycopg2")
    pytest.importorskip("dbt.adapters.postgres")
    from orchestration.engines.compare import postgres_reader
    from orchestration.engines.export import export_raw_to_postgres
    from orchestration.engines.postgres import PostgresError, PostgresServer

    # not under pytest's tmp folder: the server runs as the `postgres` user when we are root
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="ccwh-pg-")))
    try:
        started = time.perf_counter()
        try:
            server.start()
        except PostgresError as exc:
            if "not installed" in str(exc):
                pytest.skip(str(exc))
            raise
        timings = {"server_start_seconds": time.perf_counter() - started}

        started = time.perf_counter()
        export_raw_to_postgres(duckdb_build.warehouse, server, tmp_path / "raw")
        timings["export_seconds"] = time.perf_counter() - started

        started = time.perf_counter()
        run_dbt(
            ["build"],
            warehouse_path=duckdb_build.warehouse,
            target_path=tmp_path / "target-postgres",
            env=server.dbt_env(),
            quiet=True,
        )
        timings["build_seconds"] = time.perf_counter() - started

        results = compare_tables(
            duckdb_build.tables,
            duckdb_reader(duckdb_build.warehouse),
            postgres_reader(server),
            tolerance=TOLERANCE,
        )
        # the incremental path (DECISIONS.md D60): the staging rows of the latest loaded
        # files are taken away, as if those files had just arrived; an incremental run
        # puts them back, and the staging tables equal DuckDB's
        con = server.connect()
        try:
            with con.cursor() as cur:
                for table in STAGING_INCREMENTAL:
                    cur.execute(
                        f"delete from {table} where _loaded_at = "
                        f"(select max(_loaded_at) from {table})"
                    )
                    assert cur.rowcount > 0, table
            con.commit()
        finally:
            con.close()
        run_dbt(
            ["run", "--select", *(t.split(".")[1] for t in STAGING_INCREMENTAL)],
            warehouse_path=duckdb_build.warehouse,
            target_path=tmp_path / "target-postgres",
            env=server.dbt_env(),
            quiet=True,
        )
        results += compare_tables(
            STAGING_INCREMENTAL,
            duckdb_reader(duckdb_build.warehouse),
            postgres_reader(server),
            tolerance=TOLERANCE,
        )
        # the incremental path by day (DECISIONS.md D130): each model loses its last day,
        # and the fingerprints it stored for that day, as if the day had not been there at
        # its last build; an incremental run rebuilds that day (and only the changed days)
        con = server.connect()
        try:
            with con.cursor() as cur:
                for table, day in BY_DAY_INCREMENTAL.items():
                    name = table.split(".")[1]
                    last_day = f"(select max({day}) from {table})"
                    cur.execute(f"delete from {table} where {day} = {last_day}")
                    assert cur.rowcount > 0, table
                    cur.execute(
                        "delete from run_state.incremental_day_fingerprints where model_name = %s "
                        "and day_value = (select max(day_value) from "
                        "run_state.incremental_day_fingerprints where model_name = %s)",
                        (name, name),
                    )
                    assert cur.rowcount > 0, table
            con.commit()
        finally:
            con.close()
        run_dbt(
            ["run", "--select", *(t.split(".")[1] for t in BY_DAY_INCREMENTAL)],
            warehouse_path=duckdb_build.warehouse,
            target_path=tmp_path / "target-postgres",
            env=server.dbt_env(),
            quiet=True,
        )
        results += compare_tables(
            list(BY_DAY_INCREMENTAL),
            duckdb_reader(duckdb_build.warehouse),
            postgres_reader(server),
            tolerance=TOLERANCE,
        )
    finally:
        server.destroy()
    print(_report("postgres", duckdb_build, results, timings))
    _assert_equal("PostgreSQL", results)


@pytest.mark.spark
def test_spark_builds_the_same_marts(duckdb_build: DuckdbBuild, tmp_path: Path):
    pytest.importorskip("pyspark")
    pytest.importorskip("dbt.adapters.spark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (17): apt-get install openjdk-17-jre-headless")
    from orchestration.engines import spark
    from orchestration.engines.compare import spark_reader
    from orchestration.engines.export import export_raw_to_spark

    spark_root = tmp_path / "spark"
    started = time.perf_counter()
    export_raw_to_spark(duckdb_build.warehouse, spark_root, tmp_path / "raw")
    timings = {"export_seconds": time.perf_counter() - started}

    started = time.perf_counter()
    run_dbt(
        ["build"],
        warehouse_path=duckdb_build.warehouse,
        target_path=tmp_path / "target-spark",
        env=spark.dbt_env(spark_root),
        quiet=True,
    )
    timings["build_seconds"] = time.perf_counter() - started

    results = compare_tables(
        duckdb_build.tables,
        duckdb_reader(duckdb_build.warehouse),
        spark_reader(spark_root),
        tolerance=TOLERANCE,
    )
    print(_report("spark", duckdb_build, results, timings))
    _assert_equal("Spark", results)
