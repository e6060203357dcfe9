"""The read-only DuckDB snapshot of the marts, for BI tools that read DuckDB files.

The pipeline's own warehouse file is never opened by a BI tool: DuckDB has one writer, and
a reader holding the warehouse would block the next run (or be blocked by it). Instead the
marts are copied into a separate file, built under a temporary name in the same folder and
then renamed over the published one (`os.replace`, atomic on POSIX):

- a reader that opens the snapshot sees either the old file or the new one, never a
  half-built one (a failed build leaves the published file as it was);
- a reader that holds the old snapshot open keeps reading it (its inode lives until the
  reader closes it), and the publish never waits for it, even if the reader took a write
  lock on it (it never writes the published file, only a new one).

The file holds `marts.*` as in the warehouse, plus `publish.build` (one row: when, from
which commit) and `publish.tables` (each table's row count), so a dashboard can show how
fresh its data is. The file is made read-only (mode 0444); open it with `read_only=True`
(`duckdb -readonly`, `?access_mode=read_only`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import duckdb

from orchestration.config import duckdb_memory_limit
from orchestration.publish.build import (
    MARTS_SCHEMA,
    BuildInfo,
    MartTable,
    PublishError,
    mart_tables,
    open_warehouse,
)

# not `marts.duckdb`: DuckDB names a file's catalog after it, and `marts.kpi_queue_daily`
# would then be ambiguous (catalog marts or schema marts)
SNAPSHOT_NAME = "ccwh_marts.duckdb"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_snapshot(warehouse_path: Path, out_path: Path, build: BuildInfo) -> list[MartTable]:
    """Copy the marts of `warehouse_path` into the DuckDB file `out_path`, atomically.

    Returns the tables written (with their row counts, checked against the warehouse).
    """
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # left over from a publish that died: never read by anyone, safe to delete
    for stale in out_path.parent.glob(f".{out_path.name}.*.tmp*"):
        stale.unlink(missing_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    source = open_warehouse(warehouse_path)
    try:
        tables = mart_tables(source)
    finally:
        source.close()
    try:
        con = duckdb.connect(str(tmp))
        # the copy of the year's facts took 4.3 GiB under DuckDB's default limit
        con.execute(f"set memory_limit = '{duckdb_memory_limit()}'")
        try:
            wh = str(Path(warehouse_path).resolve()).replace("'", "''")
            snap = con.execute("select current_database()").fetchone()[0]
            con.execute(f"attach '{wh}' as ccwh_source (read_only)")
            con.execute(f"create schema {snap}.{MARTS_SCHEMA}")
            for table in tables:
                con.execute(
                    f"create table {snap}.{table.qualified} as "
                    f"select * from ccwh_source.{table.qualified}"
                )
            con.execute("detach ccwh_source")
            written = mart_tables(con, catalog=snap)
            wrong = {
                t.qualified: (t.rows, w.rows)
                for t, w in zip(tables, written, strict=True)
                if t.rows != w.rows or t.name != w.name
            }
            if wrong or len(written) != len(tables):
                raise PublishError(
                    f"publish: the snapshot's row counts differ from the warehouse's: {wrong}"
                )
            con.execute("begin")  # one commit for some hundred comments, not one each
            _write_comments(con, snap, tables)
            con.execute("commit")
            _write_publish_schema(con, f"{snap}.publish", build, written)
            con.execute("checkpoint")
        finally:
            con.close()
        os.chmod(tmp, 0o444)
        _fsync(tmp)
        os.replace(tmp, out_path)
        _fsync(out_path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        raise
    return written


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write_comments(con: duckdb.DuckDBPyConnection, catalog: str, tables: list[MartTable]):
    """The dbt docs as table and column comments (DBeaver, Metabase... show them)."""
    for table in tables:
        if table.description:
            con.execute(
                f"comment on table {catalog}.{table.qualified} is {_quote(table.description)}"
            )
        names = {c.name for c in table.columns}
        for column, text in table.column_descriptions.items():
            if text and column in names:
                con.execute(
                    f"comment on column {catalog}.{table.qualified}.{column} is {_quote(text)}"
                )


def _write_publish_schema(
    con: duckdb.DuckDBPyConnection, schema: str, build: BuildInfo, tables: list[MartTable]
) -> None:
    con.execute(f"create schema {schema}")
    con.execute(
        f"""
        create table {schema}.build (
            build_id varchar, published_at timestamp, git_commit varchar,
            git_commit_dirty boolean, warehouse varchar
        )
        """
    )
    con.execute(
        f"insert into {schema}.build values (?, cast(? as timestamp), ?, ?, ?)",
        [
            build.build_id,
            build.published_at.rstrip("Z"),
            build.commit,
            build.commit_dirty,
            build.warehouse,
        ],
    )
    con.execute(
        f"create table {schema}.tables (table_schema varchar, table_name varchar, row_count bigint)"
    )
    con.executemany(
        f"insert into {schema}.tables values (?, ?, ?)",
        [[t.schema, t.name, t.rows] for t in tables],
    )


def snapshot_build_id(path: Path) -> str:
    """The build id recorded in a published snapshot (opens it read-only)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise PublishError(f"cannot open the snapshot {path}: {error}") from error
    try:
        return con.execute("select build_id from publish.build").fetchone()[0]
    finally:
        con.close()
