"""Row-for-row comparison of mart tables built by two engines.

Each engine's table is read into Python rows (DuckDB and PostgreSQL through their
drivers; Spark's managed tables by reading their Parquet files with DuckDB, so no JVM is
needed to check them). Rows are ordered by their exact columns (text, integers, dates,
timestamps, booleans) and compared pairwise: exact columns must be equal, decimal and
floating-point columns may differ by at most `tolerance` (absolute).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

Rows = tuple[list[str], list[tuple]]
Reader = Callable[[str, str], Rows]


@dataclass
class TableComparison:
    table: str
    rows: int = 0
    max_abs_difference: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.problems


def _is_approximate(value: object) -> bool:
    return isinstance(value, (Decimal, float))


def _norm(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _sort_key(row: tuple, exact: Sequence[int]) -> tuple:
    return tuple((row[i] is None, str(row[i])) for i in exact)


def compare_rows(
    table: str, left: Rows, right: Rows, tolerance: float = 1e-9, max_problems: int = 5
) -> TableComparison:
    """Compare two (columns, rows) results of the same table from two engines."""
    result = TableComparison(table)
    left_cols, left_rows = left
    right_cols, right_rows = right
    left_names = [c.lower() for c in left_cols]
    right_names = [c.lower() for c in right_cols]
    if left_names != right_names and sorted(left_names) == sorted(right_names):
        # Spark moves a table's partition columns to the end (DECISIONS.md D130)
        order = [right_names.index(c) for c in left_names]
        right_cols = [right_cols[i] for i in order]
        right_rows = [tuple(r[i] for i in order) for r in right_rows]
    if [c.lower() for c in left_cols] != [c.lower() for c in right_cols]:
        result.problems.append(f"columns differ: {left_cols} vs {right_cols}")
        return result
    result.rows = len(left_rows)
    if len(left_rows) != len(right_rows):
        result.problems.append(f"row counts differ: {len(left_rows)} vs {len(right_rows)}")
        return result
    left_rows = [tuple(_norm(v) for v in r) for r in left_rows]
    right_rows = [tuple(_norm(v) for v in r) for r in right_rows]
    approximate = {
        i
        for i in range(len(left_cols))
        if any(isinstance(r[i], float) for r in left_rows + right_rows)
        or any(_is_approximate(r[i]) for r in left_rows)
    }
    exact = [i for i in range(len(left_cols)) if i not in approximate]
    left_rows.sort(key=lambda r: _sort_key(r, exact))
    right_rows.sort(key=lambda r: _sort_key(r, exact))
    for n, (a, b) in enumerate(zip(left_rows, right_rows, strict=True)):
        for i, column in enumerate(left_cols):
            x, y = a[i], b[i]
            if i in approximate and x is not None and y is not None:
                diff = abs(float(x) - float(y))
                if math.isnan(diff) or diff > tolerance:
                    result.problems.append(f"row {n} {column}: {x!r} vs {y!r}")
                result.max_abs_difference = max(result.max_abs_difference, diff)
            elif x != y:
                result.problems.append(f"row {n} {column}: {x!r} vs {y!r}")
            if len(result.problems) >= max_problems:
                return result
    return result


# -- readers --------------------------------------------------------------------------------
def duckdb_reader(warehouse_path: Path) -> Reader:
    def read(schema: str, table: str) -> Rows:
        con = duckdb.connect(str(warehouse_path), read_only=True)
        try:
            con.execute("set TimeZone = 'UTC'")
            cur = con.execute(f"select * from {schema}.{table}")
            return [d[0] for d in cur.description], cur.fetchall()
        finally:
            con.close()

    return read


def postgres_reader(server) -> Reader:
    def read(schema: str, table: str) -> Rows:
        con = server.connect()
        try:
            with con.cursor() as cur:
                cur.execute(f"select * from {schema}.{table}")
                return [d[0] for d in cur.description], cur.fetchall()
        finally:
            con.close()

    return read


def spark_reader(spark_root: Path) -> Reader:
    """Spark's managed tables are Parquet folders `<warehouse>/<schema>.db/<table>/`."""

    def read(schema: str, table: str) -> Rows:
        folder = Path(spark_root) / "spark-warehouse" / f"{schema}.db" / table
        con = duckdb.connect()
        try:
            con.execute("set TimeZone = 'UTC'")
            # a partitioned table (by day, by file) keeps its files in key=value folders
            if any(p.is_dir() for p in folder.iterdir()):
                source = f"read_parquet('{folder}/*/*.parquet', hive_partitioning = true)"
            else:
                source = f"read_parquet('{folder}/*.parquet')"
            cur = con.execute(f"select * from {source}")
            return [d[0] for d in cur.description], cur.fetchall()
        finally:
            con.close()

    return read


def warehouse_tables(
    warehouse_path: Path, schemas: Sequence[str] = ("marts", "seeds")
) -> list[str]:
    """`schema.table` of every table of `schemas` in the DuckDB warehouse."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        rows = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) and table_type = 'BASE TABLE' "
            "order by table_schema, table_name",
            [list(schemas)],
        ).fetchall()
        return [r[0] for r in rows]
    finally:
        con.close()


def compare_tables(
    tables: Sequence[str], reference: Reader, other: Reader, tolerance: float = 1e-9
) -> list[TableComparison]:
    """Compare each `schema.table` as read by the two readers."""
    results = []
    for qualified in tables:
        schema, table = qualified.split(".", 1)
        results.append(
            compare_rows(qualified, reference(schema, table), other(schema, table), tolerance)
        )
    return results
