"""The raw layer on another engine: DuckDB's raw tables → Parquet → PostgreSQL or Spark.

Ingestion stays the single place that parses landing files: it loads DuckDB, and this
module copies what it loaded, table by table and unchanged, to the engine a dbt target
builds on. Every table of every `raw_*` schema goes (sources added later go too):

1. `export_parquet`: DuckDB `COPY ... TO '<dir>/<schema>.<table>.parquet'`, and a manifest
   (`raw_export.json`: columns with their DuckDB types, row counts), the exchange format;
2. `load_postgres`: `create schema`, `create table` with the mapped types, and `COPY FROM
   STDIN` of a CSV that DuckDB writes from the Parquet file (NULL unquoted, empty strings
   quoted, so both survive);
3. `load_spark`: the Parquet files become managed Parquet tables of the local metastore,
   cast to the mapped Spark types (DuckDB writes naive timestamps as TIMESTAMP_NTZ;
   the models use Spark's default TIMESTAMP, read in the session's UTC zone).

A load replaces the engine's raw tables (drop and create): the raw layer is a copy.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class RawExport:
    """One raw table written as Parquet."""

    schema: str
    table: str
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type)
    parquet: Path
    rows: int

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"

    def as_json(self) -> dict:
        return {
            "schema": self.schema,
            "table": self.table,
            "columns": self.columns,
            "parquet": self.parquet.name,
            "rows": self.rows,
        }


MANIFEST = "raw_export.json"


def read_manifest(out_dir: Path) -> list[RawExport]:
    """The exports that `export_parquet` wrote to `out_dir`."""
    out_dir = Path(out_dir)
    return [
        RawExport(
            e["schema"],
            e["table"],
            tuple(tuple(c) for c in e["columns"]),
            out_dir / e["parquet"],
            int(e["rows"]),
        )
        for e in json.loads((out_dir / MANIFEST).read_text())
    ]


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = con.execute(
        """
        select table_schema, table_name
        from information_schema.tables
        where table_schema like 'raw\\_%' escape '\\' and table_type = 'BASE TABLE'
        order by table_schema, table_name
        """
    ).fetchall()
    return [(schema, table) for schema, table in rows]


def export_parquet(warehouse_path: Path, out_dir: Path) -> list[RawExport]:
    """Write every raw table of the DuckDB warehouse to `out_dir` as Parquet."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        exports = []
        for schema, table in raw_tables(con):
            columns = tuple(
                (name, dtype)
                for name, dtype in con.execute(
                    """
                    select column_name, data_type from information_schema.columns
                    where table_schema = ? and table_name = ? order by ordinal_position
                    """,
                    [schema, table],
                ).fetchall()
            )
            path = out_dir / f"{schema}.{table}.parquet"
            con.execute(f"copy {schema}.{table} to '{path}' (format parquet)")
            rows = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
            exports.append(RawExport(schema, table, columns, path, int(rows)))
        (out_dir / MANIFEST).write_text(json.dumps([e.as_json() for e in exports], indent=1))
        return exports
    finally:
        con.close()


# -- type mapping -------------------------------------------------------------------------
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$", re.IGNORECASE)

_POSTGRES_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "UBIGINT": "numeric(20, 0)",
    "UINTEGER": "bigint",
    "HUGEINT": "numeric(38, 0)",
    "BOOLEAN": "boolean",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "BLOB": "bytea",
    "UUID": "uuid",
    "JSON": "jsonb",
}

_SPARK_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "SMALLINT": "smallint",
    "TINYINT": "tinyint",
    "UBIGINT": "decimal(20, 0)",
    "UINTEGER": "bigint",
    "HUGEINT": "decimal(38, 0)",
    "BOOLEAN": "boolean",
    "DOUBLE": "double",
    "FLOAT": "float",
    "DATE": "date",
    "TIME": "string",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "BLOB": "binary",
    "UUID": "string",
    "JSON": "string",
}


def _mapped(dtype: str, types: dict[str, str], decimal: str) -> str:
    match = _DECIMAL.match(dtype)
    if match:
        return f"{decimal}({match.group(1)}, {match.group(2)})"
    try:
        return types[dtype.upper()]
    except KeyError:
        raise ValueError(f"no mapping for the DuckDB type {dtype!r} of a raw table") from None


def postgres_type(dtype: str) -> str:
    return _mapped(dtype, _POSTGRES_TYPES, "numeric")


def spark_type(dtype: str) -> str:
    return _mapped(dtype, _SPARK_TYPES, "decimal")


# -- PostgreSQL ---------------------------------------------------------------------------
def load_postgres(exports: list[RawExport], pg_connection) -> dict[str, int]:
    """(Re)create the raw tables in PostgreSQL and COPY the rows in; returns rows per table."""
    loaded = {}
    scratch = duckdb.connect()
    try:
        with pg_connection.cursor() as cur:
            for export in exports:
                cols = ", ".join(f"{n} {postgres_type(t)}" for n, t in export.columns)
                names = ", ".join(n for n, _ in export.columns)
                cur.execute(f"create schema if not exists {export.schema}")
                cur.execute(f"drop table if exists {export.qualified} cascade")
                cur.execute(f"create table {export.qualified} ({cols})")
                csv_path = export.parquet.with_suffix(".csv")
                scratch.execute(
                    f"copy (select * from read_parquet('{export.parquet}')) to '{csv_path}' "
                    "(format csv, header true, timestampformat '%Y-%m-%d %H:%M:%S.%f')"
                )
                with open(csv_path, encoding="utf-8") as fh:
                    cur.copy_expert(
                        f"copy {export.qualified} ({names}) from stdin "
                        "with (format csv, header true)",
                        fh,
                    )
                csv_path.unlink()
                cur.execute(f"analyze {export.qualified}")
                cur.execute(f"select count(*) from {export.qualified}")
                loaded[export.qualified] = int(cur.fetchone()[0])
        pg_connection.commit()
    finally:
        scratch.close()
    return loaded


# -- Spark --------------------------------------------------------------------------------
def load_spark(exports: list[RawExport], spark) -> dict[str, int]:
    """(Re)create the raw tables as managed Parquet tables of the Spark metastore."""
    loaded = {}
    for export in exports:
        spark.sql(f"create database if not exists {export.schema}")
        spark.sql(f"drop table if exists {export.qualified}")
        select = ", ".join(f"cast(`{n}` as {spark_type(t)}) as `{n}`" for n, t in export.columns)
        spark.sql(
            f"create table {export.qualified} using parquet as "
            f"select {select} from parquet.`{export.parquet.resolve().as_uri()}`"
        )
        loaded[export.qualified] = int(
            spark.sql(f"select count(*) as n from {export.qualified}").collect()[0]["n"]
        )
    return loaded


# -- one call per engine ------------------------------------------------------------------
def export_raw_to_postgres(warehouse_path: Path, server, work_dir: Path) -> dict[str, int]:
    """DuckDB raw tables → Parquet in `work_dir` → the PostgreSQL `server` (started)."""
    exports = export_parquet(warehouse_path, work_dir)
    con = server.connect()
    try:
        loaded = load_postgres(exports, con)
    finally:
        con.close()
    _check_counts(exports, loaded)
    return loaded


def export_raw_to_spark(warehouse_path: Path, spark_root: Path, work_dir: Path) -> dict[str, int]:
    """DuckDB raw tables → Parquet in `work_dir` → tables of the local Spark metastore.

    The Spark part runs in a child process: the embedded Derby metastore stays locked
    by a JVM until that JVM exits, and dbt's Spark session needs it next.
    """
    exports = export_parquet(warehouse_path, work_dir)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.engines",
            "spark-load",
            str(work_dir),
            "--spark-dir",
            str(spark_root),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"},
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"loading the raw tables into Spark failed:\n{proc.stdout}\n{proc.stderr}"
        )
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    _check_counts(exports, loaded)
    return loaded


def _check_counts(exports: list[RawExport], loaded: dict[str, int]) -> None:
    wrong = {
        e.qualified: (e.rows, loaded.get(e.qualified))
        for e in exports
        if loaded.get(e.qualified) != e.rows
    }
    if wrong:
        raise RuntimeError(f"the raw export lost rows (DuckDB rows, engine rows): {wrong}")
