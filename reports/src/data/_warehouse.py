"""Shared by the data loaders: open the warehouse read-only and write a query as CSV/JSON.

The loaders only select from the marts (business logic lives in dbt). The warehouse
is the DuckDB file named by CCWH_WAREHOUSE, opened read-only, so a build never
takes DuckDB's writer lock.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb


def connect() -> duckdb.DuckDBPyConnection:
    value = os.environ.get("CCWH_WAREHOUSE")
    if not value:
        sys.exit(
            "data loader: CCWH_WAREHOUSE is not set; set it to the DuckDB warehouse file "
            "(orchestration.site.build_site does)"
        )
    path = Path(value)
    if not path.is_file():
        sys.exit(
            f"data loader: warehouse {path} (CCWH_WAREHOUSE) does not exist; run the pipeline first"
        )
    return duckdb.connect(str(path), read_only=True)


def columns_of(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    if not rows:
        warehouse = os.environ["CCWH_WAREHOUSE"]
        sys.exit(f"data loader: table {schema}.{table} is missing from the warehouse {warehouse}")
    return {r[0] for r in rows}


def _plain(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # 8, not 8.0: shorter files, same number
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], Iterable[Sequence]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]

    def batches() -> Iterable[Sequence]:
        while batch := cursor.fetchmany(10_000):
            yield from batch

    return names, batches()


def write_csv(sql: str) -> None:
    with connect() as con:
        names, rows = _rows(con, sql)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if v is None else _plain(v) for v in row])


def as_text(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """`sql` with each column as text the way the files write it: a whole number without
    ".0", a day as YYYY-MM-DD, a timestamp to the minute, NULL as NULL (an empty field)."""
    columns = con.execute(f"describe select * from ({sql})").fetchall()
    exprs = []
    for name, kind, *_ in columns:
        c = '"' + name.replace('"', '""') + '"'
        kind = str(kind).upper()
        if kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
            exprs.append(
                f"case when {c} = round({c}) and abs({c}) < 9007199254740992"
                f" then cast(cast({c} as bigint) as varchar)"
                f" else cast(cast({c} as double) as varchar) end as {c}"
            )
        elif kind.startswith("TIMESTAMP"):
            exprs.append(f"strftime({c}, '%Y-%m-%d %H:%M') as {c}")
        else:
            exprs.append(f"cast({c} as varchar) as {c}")
    return f"select {', '.join(exprs)} from ({sql})"


def copy_csv(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    """The rows of `sql`, in its order, as a CSV file with a header (DuckDB's writer: the
    one pass of _pages.py and the loaders write the same bytes, D207)."""
    target = str(path).replace("'", "''")
    con.execute(f"copy ({as_text(con, sql)}) to '{target}' (format csv, header true)")


def print_csv(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """copy_csv to the standard output (a loader's output)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.csv"
        copy_csv(con, sql, path)
        sys.stdout.flush()
        with open(path, "rb") as f:
            shutil.copyfileobj(f, sys.stdout.buffer)
        sys.stdout.flush()


def write_json(sql: str) -> None:
    with connect() as con:
        names, rows = _rows(con, sql)
        json.dump(
            [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in rows], sys.stdout
        )
