"""BI access (`ccwh publish`): the DuckDB snapshot, the Parquet files and their manifest, the
PostgreSQL database with its read-only role, and the dbt docs in the site.

The session's pipeline run (tests/conftest.py) already published once (the `bi_exports` and
`dbt_docs` assets of the `main` job); the tests read those outputs, and publish again into
their own folders where they need to watch a publish happen (a swap under a reader, a failed
publish). PostgreSQL: a throw-away server of the project's (orchestration/engines/postgres.py)
in a temporary folder, read through the psql binary and through SQLAlchemy (psycopg 3), as
BI tools would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from orchestration.publish import PublishError, publish
from orchestration.publish import snapshot as snapshot_module
from orchestration.publish.dbt_docs import check_offline, external_fetches
from orchestration.publish.parquet import BUILDS_DIR, read_manifest
from orchestration.publish.snapshot import SNAPSHOT_NAME, snapshot_build_id
from orchestration.site import SiteBuild
from tests.conftest import PROJECT_DIR, PipelineRun

KPI_COLUMNS = "queue_id, site_id, date_local, service_level, aht_seconds, abandonment_rate"


def published_dir(run: PipelineRun) -> Path:
    return run.warehouse_path.parent / "publish"


def warehouse_rows(run: PipelineRun, sql: str) -> list[tuple]:
    con = run.connect()
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def mart_names(run: PipelineRun) -> list[str]:
    return [
        r[0]
        for r in warehouse_rows(
            run,
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and table_type = 'BASE TABLE' order by 1",
        )
    ]


# ----------------------------------------------------------------- the pipeline publishes


def test_run_publishes_and_prints_where(pipeline_run: PipelineRun) -> None:
    out = pipeline_run.stdout
    for label in ("BI snapshot:", "BI Parquet:", "BI PostgreSQL:", "dbt docs:"):
        assert label in out, f"`ccwh run` does not print {label!r}:\n{out[-2000:]}"
    publish_dir = published_dir(pipeline_run)
    assert (publish_dir / SNAPSHOT_NAME).is_file()
    assert (publish_dir / "parquet" / "manifest.json").is_file()
    assert (pipeline_run.site_dir / "_dbt-docs" / "index.html").is_file()


# ----------------------------------------------------------------------- DuckDB snapshot


def test_snapshot_holds_every_mart_as_the_warehouse(pipeline_run: PipelineRun) -> None:
    path = published_dir(pipeline_run) / SNAPSHOT_NAME
    assert not stat.S_IMODE(path.stat().st_mode) & 0o222, "the snapshot file is writable"
    marts = mart_names(pipeline_run)
    assert {"fct_contacts", "kpi_queue_daily", "dim_kpis", "dim_queues"} <= set(marts)
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute(f"attach '{pipeline_run.warehouse_path}' as wh (read_only)")
        for table in marts:
            counts = con.execute(
                f"""
                select
                    (select count(*) from marts.{table}),
                    (select count(*) from wh.marts.{table}),
                    (select count(*) from (select * from marts.{table}
                                           except all select * from wh.marts.{table}))
                """
            ).fetchone()
            assert counts[0] == counts[1] and counts[2] == 0, (table, counts)
        # the dbt docs travel as comments: the KPI's catalog text on its column
        (comment,) = con.execute(
            "select comment from duckdb_columns() where schema_name = 'marts' "
            "and table_name = 'kpi_queue_daily' and column_name = 'service_level'"
        ).fetchone()
        assert comment.startswith("**Service level** (Nivel de servicio)"), comment
        published = dict(con.execute("select table_name, row_count from publish.tables").fetchall())
        assert set(published) == set(marts)
        assert con.execute("select count(*) from publish.build").fetchone()[0] == 1
    finally:
        con.close()


def test_reader_keeps_the_old_snapshot_while_a_new_one_is_swapped_in(
    pipeline_run: PipelineRun, tmp_path: Path
) -> None:
    first = publish(pipeline_run.warehouse_path, tmp_path)
    path = tmp_path / SNAPSHOT_NAME
    old_inode = path.stat().st_ino
    reader = duckdb.connect(str(path), read_only=True)
    try:
        before = reader.execute("select sum(calls_offered) from marts.kpi_queue_daily").fetchone()
        second = publish(pipeline_run.warehouse_path, tmp_path)
        assert second.build.build_id != first.build.build_id
        assert path.stat().st_ino != old_inode, "the snapshot was rewritten in place"
        # the open reader still reads its (old) snapshot, whole
        assert reader.execute("select build_id from publish.build").fetchone()[0] == (
            first.build.build_id
        )
        again = reader.execute("select sum(calls_offered) from marts.kpi_queue_daily").fetchone()
        assert again == before
        # a new reader gets the new one (another process, as a BI tool: within one process
        # DuckDB hands a new connection to a path the database it already has open)
        assert build_id_seen_by_another_process(path) == second.build.build_id
    finally:
        reader.close()
    assert not list(tmp_path.glob(".*.tmp*")), "a temporary file was left behind"


def build_id_seen_by_another_process(path: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys; from orchestration.publish.snapshot import snapshot_build_id; "
         "print(snapshot_build_id(sys.argv[1]))", str(path)],
        cwd=PROJECT_DIR, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_a_writer_holding_the_snapshot_does_not_block_the_publish(
    pipeline_run: PipelineRun, tmp_path: Path
) -> None:
    publish(pipeline_run.warehouse_path, tmp_path)
    path = tmp_path / SNAPSHOT_NAME
    os.chmod(path, 0o644)  # a BI tool run by a user who could write it, and did open it so
    holder = duckdb.connect(str(path))  # read-write: DuckDB's exclusive lock on the file
    try:
        result = publish(pipeline_run.warehouse_path, tmp_path)
        assert build_id_seen_by_another_process(path) == result.build.build_id
    finally:
        holder.close()


def test_a_failed_publish_leaves_the_published_snapshot(
    pipeline_run: PipelineRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = publish(pipeline_run.warehouse_path, tmp_path)
    real = snapshot_module.mart_tables

    def one_table_too_many(con, catalog=None):
        tables = real(con, catalog)
        if catalog is None:  # the warehouse's list: a table that vanishes mid-copy
            missing = snapshot_module.MartTable("marts", "no_such_table", (), 0)
            return [*tables, missing]
        return tables

    monkeypatch.setattr(snapshot_module, "mart_tables", one_table_too_many)
    with pytest.raises(duckdb.Error):
        publish(pipeline_run.warehouse_path, tmp_path)
    assert snapshot_build_id(tmp_path / SNAPSHOT_NAME) == good.build.build_id
    assert not list(tmp_path.glob(".*.tmp*"))


def test_publish_says_what_to_do_without_a_warehouse(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="does not exist; run the pipeline first"):
        publish(tmp_path / "none.duckdb", tmp_path / "out")


# ------------------------------------------------------------------------------- Parquet


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_parquet_manifest_describes_every_mart(pipeline_run: PipelineRun) -> None:
    publish_dir = published_dir(pipeline_run)
    manifest = read_manifest(publish_dir)
    root = (publish_dir / "parquet").resolve()
    assert manifest["build"]["build_id"] and manifest["build"]["published_at"].endswith("Z")
    assert len(manifest["build"]["commit"] or "") in (0, 40)
    tables = {t["table"]: t for t in manifest["tables"]}
    assert set(tables) == {f"marts.{t}" for t in mart_names(pipeline_run)}
    con = pipeline_run.connect()
    try:
        for name, entry in tables.items():
            rows = con.execute(f"select count(*) from {name}").fetchone()[0]
            assert entry["rows"] == rows == sum(f["rows"] for f in entry["files"]), name
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [name.split(".")[1]],
            ).fetchall()
            assert [(c["name"], c["type"]) for c in entry["columns"]] == columns, name
            if name.startswith("marts.kpi_"):
                assert entry["description"].startswith("One row per"), name
            for f in entry["files"]:
                path = root / f["path"]
                assert path.stat().st_size == f["bytes"] and _sha256(path) == f["sha256"], path
    finally:
        con.close()


def test_facts_are_partitioned_by_month_and_read_back_whole(pipeline_run: PipelineRun) -> None:
    publish_dir = published_dir(pipeline_run)
    manifest = read_manifest(publish_dir)
    root = (publish_dir / "parquet").resolve()
    entry = next(t for t in manifest["tables"] if t["table"] == "marts.fct_contacts")
    assert entry["partitioning"]["from_column"] == "contact_date"
    months = {Path(f["path"]).parent.name for f in entry["files"]}
    expected = {
        f"month={m}"
        for (m,) in warehouse_rows(
            pipeline_run, "select distinct strftime(contact_date, '%Y-%m') from marts.fct_contacts"
        )
    }
    assert months == expected
    con = duckdb.connect()
    try:
        con.execute(f"attach '{pipeline_run.warehouse_path}' as wh (read_only)")
        glob = str(root / "marts" / "fct_contacts" / "**" / "*.parquet")
        # read as a BI tool would (hive partitioning on), without the derived month column
        diff = con.execute(
            f"""
            select count(*) from (
                select * exclude (month)
                from read_parquet('{glob}', hive_partitioning = true)
                except all select * from wh.marts.fct_contacts
            )
            """
        ).fetchone()[0]
        assert diff == 0
        month_ok = con.execute(
            f"""
            select bool_and(month = strftime(contact_date, '%Y-%m'))
            from read_parquet('{glob}', hive_partitioning = true)
            """
        ).fetchone()[0]
        assert month_ok
    finally:
        con.close()


def test_parquet_builds_are_swapped_and_pruned(pipeline_run: PipelineRun, tmp_path: Path) -> None:
    builds = [publish(pipeline_run.warehouse_path, tmp_path).build.build_id for _ in range(3)]
    link = tmp_path / "parquet"
    assert link.is_symlink() and link.resolve().name == builds[-1]
    kept = sorted(p.name for p in (tmp_path / BUILDS_DIR).iterdir())
    assert kept == builds[-2:], "the previous build is kept for readers in it, older ones go"
    assert json.loads((link / "manifest.json").read_text())["build"]["build_id"] == builds[-1]


def _inodes(publish_dir: Path, table: str) -> dict[str, int]:
    """Path in the build -> inode, of one table's files in the current Parquet build."""
    return {path: file.stat().st_ino for path, file in _files(publish_dir, table).items()}


def _files(publish_dir: Path, table: str) -> dict[str, Path]:
    root = (publish_dir / "parquet").resolve()
    entry = next(t for t in read_manifest(publish_dir)["tables"] if t["table"] == table)
    return {f["path"]: root / f["path"] for f in entry["files"]}


def _parquet_equals_warehouse(publish_dir: Path, warehouse: Path, table: str) -> bool:
    files = sorted(str(p) for p in _files(publish_dir, table).values())
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse}' as wh (read_only)")
        if not files:
            return con.execute(f"select count(*) from wh.{table}").fetchone()[0] == 0
        parquet = f"read_parquet({files}, hive_partitioning = false)"
        columns = ", ".join(
            r[0] for r in con.execute(f"describe select * from wh.{table}").fetchall()
        )
        return con.execute(
            f"""
            select count(*) = 0 from (
                (select {columns} from {parquet} except all select {columns} from wh.{table})
                union all
                (select {columns} from wh.{table} except all select {columns} from {parquet})
            )
            """
        ).fetchone()[0]
    finally:
        con.close()


def test_a_publish_rewrites_only_the_changed_tables_and_months(
    pipeline_run: PipelineRun, tmp_path: Path
) -> None:
    warehouse = tmp_path / "ccwh.duckdb"
    warehouse.write_bytes(pipeline_run.warehouse_path.read_bytes())
    con = duckdb.connect(str(warehouse))
    try:  # the sample's two weeks fit in a month: its last day's contacts make a second one
        con.execute(
            "update marts.fct_contacts set contact_date = contact_date + interval 31 day "
            "where contact_date = (select max(contact_date) from marts.fct_contacts)"
        )
    finally:
        con.close()
    out = tmp_path / "publish"
    first = publish(warehouse, out)
    assert first.parquet_files_linked == 0
    before = {t: _inodes(out, t) for t in ("marts.fct_contacts", "marts.kpi_queue_daily")}
    months = sorted({Path(p).parent.name for p in before["marts.fct_contacts"]})
    assert len(months) == 2

    # nothing changed: every file is linked from the previous build, none is written
    second = publish(warehouse, out)
    assert second.parquet_files_linked == second.parquet_files == first.parquet_files
    for table, inodes in before.items():
        assert _inodes(out, table) == inodes, table

    # one contact of the first month changes, one KPI row changes, the last month's
    # outbound attempts go: those files are written, the others linked
    con = duckdb.connect(str(warehouse))
    try:
        first_month = months[0].split("=", 1)[1]
        con.execute(
            f"""
            update marts.fct_contacts set wait_seconds = coalesce(wait_seconds, 0) + 1
            where contact_id = (
                select min(contact_id) from marts.fct_contacts
                where strftime(contact_date, '%Y-%m') = '{first_month}'
            )
            """
        )
        con.execute(
            "update marts.kpi_queue_daily set calls_offered = calls_offered + 1 "
            "where date_local = (select min(date_local) from marts.kpi_queue_daily)"
        )
        last_attempt_month = con.execute(
            "select max(strftime(attempt_date, '%Y-%m')) from marts.fct_dial_attempts"
        ).fetchone()[0]
        assert last_attempt_month is not None, "the sample center dials out"
        con.execute(
            f"delete from marts.fct_dial_attempts "
            f"where strftime(attempt_date, '%Y-%m') = '{last_attempt_month}'"
        )
    finally:
        con.close()
    third = publish(warehouse, out)
    contacts = _inodes(out, "marts.fct_contacts")
    assert contacts.keys() == before["marts.fct_contacts"].keys()
    rewritten = {p for p, ino in contacts.items() if ino != before["marts.fct_contacts"][p]}
    assert {Path(p).parent.name for p in rewritten} == {months[0]}
    kpi = _inodes(out, "marts.kpi_queue_daily")
    assert all(ino != before["marts.kpi_queue_daily"][p] for p, ino in kpi.items())
    attempts = {Path(p).parent.name for p in _files(out, "marts.fct_dial_attempts")}
    assert f"month={last_attempt_month}" not in attempts
    assert third.parquet_files_linked == third.parquet_files - len(rewritten) - len(kpi)
    for table in ("marts.fct_contacts", "marts.kpi_queue_daily", "marts.fct_dial_attempts"):
        assert _parquet_equals_warehouse(out, warehouse, table), table
    # the manifest of the new build describes its files, linked or written
    root = (out / "parquet").resolve()
    for entry in read_manifest(out)["tables"]:
        for f in entry["files"]:
            path = root / f["path"]
            assert path.stat().st_size == f["bytes"] and _sha256(path) == f["sha256"], path

    # the previous builds are pruned; the current one's linked files stay whole
    fourth = publish(warehouse, out, full_refresh=True)
    assert fourth.parquet_files_linked == 0
    assert len(list((out / BUILDS_DIR).iterdir())) == 2
    for table in ("marts.fct_contacts", "marts.fct_dial_attempts"):
        assert _parquet_equals_warehouse(out, warehouse, table), table


# ---------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="module")
def bi_database(pipeline_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory):
    from orchestration.engines.postgres import PostgresServer
    from orchestration.publish.postgres_bi import publish_postgres

    # not under pytest's folder: its parents are private to root, and the server runs as the
    # postgres user when the tests run as root (the cross-engine test does the same)
    root = Path(tempfile.mkdtemp(prefix="ccwh-bi-pg-"))
    try:
        db = publish_postgres(published_dir(pipeline_run), root)
        BI_SERVERS[db.port] = root
        yield db
    finally:
        PostgresServer(root).destroy()


BI_SERVERS: dict[int, Path] = {}  # port -> cluster folder of the fixture's server


def psql(db, sql: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    from orchestration.engines.postgres import _bin

    env = {**os.environ, "PGPASSWORD": db.password if password is None else password}
    return subprocess.run(
        [_bin("psql"), "-h", db.host, "-p", str(db.port), "-U", db.role, "-d", db.database,
         "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip


def duckdb_kpis(run: PipelineRun) -> dict:
    rows = warehouse_rows(run, f"select {KPI_COLUMNS} from marts.kpi_queue_daily")
    return {(r[0], r[1], r[2]): r[3:] for r in rows}


def test_psql_reads_the_kpis_as_duckdb_has_them(pipeline_run: PipelineRun, bi_database) -> None:
    proc = psql(
        bi_database,
        f"select {KPI_COLUMNS} from marts.kpi_queue_daily order by queue_id, date_local",
    )
    assert proc.returncode == 0, proc.stderr
    expected = duckdb_kpis(pipeline_run)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == len(expected) > 20
    for line in lines:
        queue, site, day, *values = line.split("|")
        want = expected[(queue, site, date.fromisoformat(day))]
        got = tuple(Decimal(v) if v else None for v in values)
        assert got == want, (line, want)


def test_sqlalchemy_reads_every_mart_as_duckdb_has_it(
    pipeline_run: PipelineRun, bi_database
) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(bi_database.sqlalchemy_url)
    try:
        with engine.connect() as con:
            rows = con.execute(text(f"select {KPI_COLUMNS} from marts.kpi_queue_daily")).all()
            got = {(r[0], r[1], r[2]): tuple(r[3:]) for r in rows}
            assert got == duckdb_kpis(pipeline_run)
            counts = dict(
                con.execute(text("select table_name, row_count from publish.tables")).all()
            )
            described = con.execute(
                text(
                    "select col_description('marts.kpi_queue_daily'::regclass, ordinal_position)"
                    " from information_schema.columns where table_schema = 'marts'"
                    " and table_name = 'kpi_queue_daily' and column_name = 'aht_seconds'"
                )
            ).scalar_one()
            assert described.startswith("**Average handle time (AHT)**"), described
            for table in mart_names(pipeline_run):
                n = con.execute(text(f"select count(*) from marts.{table}")).scalar_one()
                (want,) = warehouse_rows(pipeline_run, f"select count(*) from marts.{table}")[0]
                assert n == want == counts[table], table
    finally:
        engine.dispose()


WRITES = [
    "insert into marts.dim_kpis (kpi_key) values ('x')",
    "update marts.kpi_queue_daily set service_level = 1",
    "delete from marts.dim_queues",
    "drop table marts.kpi_queue_daily",
    "truncate marts.fct_contacts",
    "create table marts.mine (a integer)",
    "create table public.mine (a integer)",
    "create schema mine",
    "alter table marts.dim_kpis add column x integer",
    "create temporary table mine (a integer)",
    "create role intruder login",
    "create function marts.f() returns integer language sql as 'select 1'",
]


@pytest.mark.parametrize("statement", WRITES)
def test_the_read_only_role_cannot_write(bi_database, statement: str) -> None:
    """Refused by privileges, not only by the read-only default of the role's sessions."""
    from sqlalchemy import create_engine, exc, text

    engine = create_engine(bi_database.sqlalchemy_url)
    try:
        with engine.connect() as con:
            con.execute(text("set default_transaction_read_only = off"))
            con.commit()  # the next transaction is read-write: only privileges stop a write
            assert con.execute(text("show transaction_read_only")).scalar_one() == "off"
            with pytest.raises(exc.DBAPIError) as raised:
                con.execute(text(statement))
            message = str(raised.value.orig)
            assert "permission denied" in message or "must be owner" in message, message
    finally:
        engine.dispose()
    # and through psql, with the role's defaults: the session is read-only
    proc = psql(bi_database, statement)
    assert proc.returncode != 0 and "ERROR" in proc.stderr, proc.stderr


def test_the_read_only_role_needs_its_password(bi_database) -> None:
    assert psql(bi_database, "select 1").stdout.strip() == "1"
    wrong = psql(bi_database, "select 1", password="not-the-password")
    assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr


def test_a_second_load_swaps_the_marts_under_an_open_session(
    pipeline_run: PipelineRun, bi_database
) -> None:
    from sqlalchemy import create_engine, text

    from orchestration.engines.postgres import PostgresServer
    from orchestration.publish.postgres_bi import load_bi_database

    engine = create_engine(bi_database.sqlalchemy_url)
    try:
        with engine.connect() as con:
            before = con.execute(text("select build_id from publish.build")).scalar_one()
            con.commit()
            result = publish(pipeline_run.warehouse_path, published_dir(pipeline_run))
            server = PostgresServer(BI_SERVERS[bi_database.port])
            load_bi_database(server, published_dir(pipeline_run), server.root / "bi_load")
            after = con.execute(text("select build_id from publish.build")).scalar_one()
            assert before != after == result.build.build_id
            n = con.execute(text("select count(*) from marts.kpi_queue_daily")).scalar_one()
            assert n == len(duckdb_kpis(pipeline_run))
    finally:
        engine.dispose()


def test_a_session_idle_in_a_transaction_does_not_hold_the_publish(
    pipeline_run: PipelineRun, bi_database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import create_engine, text

    from orchestration.engines.postgres import PostgresServer
    from orchestration.publish import postgres_bi

    monkeypatch.setattr(postgres_bi, "LOCK_TIMEOUT_SECONDS", 1)
    engine = create_engine(bi_database.sqlalchemy_url)
    try:
        with engine.connect() as con:
            # a transaction left open after a read: it holds a lock on the table
            before = con.execute(text("select build_id from publish.build")).scalar_one()
            con.execute(text("select count(*) from marts.kpi_queue_daily")).scalar_one()
            publish(pipeline_run.warehouse_path, published_dir(pipeline_run))
            server = PostgresServer(BI_SERVERS[bi_database.port])
            with pytest.raises(PublishError, match="keep the previous build"):
                postgres_bi.load_bi_database(
                    server, published_dir(pipeline_run), server.root / "bi_load"
                )
            con.rollback()
            after = con.execute(text("select build_id from publish.build")).scalar_one()
            assert after == before
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------ dbt docs


def test_dbt_docs_are_in_the_site_and_declare_the_exposures(pipeline_run: PipelineRun) -> None:
    folder = pipeline_run.site_dir / "_dbt-docs"
    index = folder / "index.html"
    check_offline(index)
    html = index.read_text(encoding="utf-8")
    assert "kpi_queue_daily" in html and "kpi_service_level" in html  # models and doc blocks
    # no address of another host in a src= or href= (the tracker's address was removed)
    assert "cloudfront.net" not in html
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//(?!127\.0\.0\.1)""", html)
    # ... and it is not one of the site's report pages (those have tiles and charts)
    assert "_dbt-docs/index.html" not in SiteBuild.from_dir(pipeline_run.site_dir).pages
    manifest = json.loads((folder / "manifest.json").read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    for name in ("report_overview", "report_queue", "report_glossary"):
        assert exposures[name]["config"]["meta"]["status"] == "built", name
    for name in ("bi_duckdb_snapshot", "bi_parquet", "bi_postgres"):
        deps = {d.split(".")[-1] for d in exposures[name]["depends_on"]["nodes"]}
        assert {"kpi_queue_daily", "kpi_queue_interval", "kpi_agent_daily", "dim_kpis"} <= deps
    assert json.loads((folder / "catalog.json").read_text())["nodes"]


def test_the_offline_check_catches_external_assets() -> None:
    html = (
        '<script src="https://cdn.example.com/app.js"></script>'
        '<link rel="stylesheet" href="//fonts.googleapis.com/css">'
        "<style>@font-face{src:url(https://fonts.gstatic.com/x.woff2)}</style>"
        '<a href="https://docs.getdbt.com/">docs</a>'
    )
    found = external_fetches(html)
    assert len(found) == 3, found  # the plain link loads nothing
    # the docs app's usage tracker counts unless tracking is off in the embedded manifest
    tracker = 'i.async=1,i.src="//d1fc8wv8zag5ca.cloudfront.net/2.9.0/sp.js"'
    assert external_fetches(tracker + '"send_anonymous_usage_stats": true')
    assert not external_fetches(tracker + '"send_anonymous_usage_stats": false')


CHROMIUM = os.environ.get("CCWH_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture()
def docs_page(pipeline_run: PipelineRun) -> Iterator[tuple[object, list[str], list[str]]]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make setup-browser)")
    from playwright.sync_api import sync_playwright

    from orchestration.site import serving

    requests: list[str] = []
    blocked: list[str] = []

    def route(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with serving(pipeline_run.site_dir) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--no-pings"],
        )  # fmt: skip
        try:
            context = browser.new_context()
            context.route("**/*", route)
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(base + "_dbt-docs/index.html#!/model/model.contact_center.kpi_queue_daily")
            yield page, requests, blocked
        finally:
            browser.close()


@pytest.mark.browser
def test_dbt_docs_render_offline_in_a_browser(docs_page) -> None:
    page, requests, blocked = docs_page
    # the model's page: its description (grain) and its columns, drawn by the docs app
    page.wait_for_function(
        "document.body.innerText.includes('One row per queue per local day')"
        " && document.body.innerText.includes('service_level_denominator')",
        timeout=30_000,
    )
    page.wait_for_timeout(1000)
    assert not blocked, f"the dbt docs asked other hosts: {blocked}"
    hosts = {urlsplit(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, hosts
