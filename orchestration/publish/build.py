"""What a publish reads from the warehouse: the mart tables, their columns, the build's identity.

Every table of the `marts` schema is published (facts, dimensions, KPI tables, the KPI catalog
`dim_kpis` and the data-quality marts), so a mart added later is published with no change
here. Facts (`fct_*`) are partitioned by month in the Parquet output, by their first DATE
column named `*_date` (`fct_contacts.contact_date`, `fct_agent_states.state_date`).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.config import PROJECT_DIR, duckdb_memory_limit

MARTS_SCHEMA = "marts"


class PublishError(RuntimeError):
    """A publish step failed; the message says which output, what and what to do."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type, e.g. VARCHAR, DECIMAL(28,6), TIMESTAMP


@dataclass(frozen=True)
class MartTable:
    schema: str
    name: str
    columns: tuple[Column, ...]
    rows: int
    # from the dbt docs (model and column descriptions, doc blocks rendered); may be empty
    description: str = ""
    column_descriptions: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def is_fact(self) -> bool:
        return self.name.startswith("fct_")

    @property
    def partition_column(self) -> str | None:
        """The DATE column a fact is partitioned by month on (None: one file)."""
        if not self.is_fact:
            return None
        for column in self.columns:
            if column.type == "DATE" and column.name.endswith("_date"):
                return column.name
        return None


@dataclass(frozen=True)
class BuildInfo:
    """Identifies one publish: when, from which commit of the project, from which warehouse."""

    build_id: str  # UTC time stamp, sortable, also the name of the Parquet build folder
    published_at: str  # ISO 8601, UTC
    commit: str | None
    commit_dirty: bool | None
    warehouse: str

    def as_json(self) -> dict:
        return {
            "build_id": self.build_id,
            "published_at": self.published_at,
            "commit": self.commit,
            "commit_dirty": self.commit_dirty,
            "warehouse": self.warehouse,
        }


def _git(*args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def build_info(warehouse_path: Path) -> BuildInfo:
    now = datetime.now(UTC)
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no") if commit else None
    return BuildInfo(
        build_id=now.strftime("%Y%m%dT%H%M%S%fZ"),
        published_at=now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        commit=commit,
        commit_dirty=None if status is None else bool(status),
        warehouse=str(Path(warehouse_path).resolve()),
    )


MANIFEST_PATH = PROJECT_DIR / "target" / "manifest.json"


def dbt_descriptions(manifest_path: Path = MANIFEST_PATH) -> dict[str, tuple[str, dict[str, str]]]:
    """model name -> (description, {column: description}) of the mart models, from dbt's
    manifest (KPI columns carry their catalog doc block); empty when there is no manifest."""
    try:
        manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") == "model" and node.get("schema") == MARTS_SCHEMA:
            columns = {
                name: (column.get("description") or "").strip()
                for name, column in (node.get("columns") or {}).items()
            }
            found[node["name"]] = ((node.get("description") or "").strip(), columns)
    return found


def open_warehouse(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only; a clear error when it is missing or locked by a writer."""
    warehouse_path = Path(warehouse_path)
    if not warehouse_path.is_file():
        raise PublishError(
            f"publish: the warehouse {warehouse_path} does not exist; run the pipeline first "
            "(`make run` or `ccwh run`)"
        )
    try:
        con = duckdb.connect(str(warehouse_path), read_only=True)
    except duckdb.IOException as error:
        raise PublishError(
            f"publish: cannot open {warehouse_path} read-only ({error}); a pipeline run is "
            "writing it: publish after it ends"
        ) from error
    con.execute(f"set memory_limit = '{duckdb_memory_limit()}'")
    return con


def mart_tables(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[MartTable]:
    """Every base table of the `marts` schema with its columns and row count."""
    this = f"'{catalog}'" if catalog else "current_database()"
    where_catalog = f"table_catalog = {this} and "
    names = [
        row[0]
        for row in con.execute(
            f"""
            select table_name from information_schema.tables
            where {where_catalog}table_schema = ? and table_type = 'BASE TABLE'
            order by table_name
            """,
            [MARTS_SCHEMA],
        ).fetchall()
    ]
    if not names:
        raise PublishError(
            f"publish: the warehouse has no tables in schema {MARTS_SCHEMA}; run the dbt build "
            "first (`make run`)"
        )
    prefix = f"{catalog}." if catalog else ""
    docs = dbt_descriptions()
    tables = []
    for name in names:
        columns = tuple(
            Column(col, dtype)
            for col, dtype in con.execute(
                f"""
                select column_name, data_type from information_schema.columns
                where {where_catalog}table_schema = ? and table_name = ?
                order by ordinal_position
                """,
                [MARTS_SCHEMA, name],
            ).fetchall()
        )
        rows = con.execute(f"select count(*) from {prefix}{MARTS_SCHEMA}.{name}").fetchone()[0]
        description, column_docs = docs.get(name, ("", {}))
        tables.append(MartTable(MARTS_SCHEMA, name, columns, int(rows), description, column_docs))
    return tables
