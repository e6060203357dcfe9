"""DDL of the raw layer (docs/contracts.md, section 2), written once and used by every module.

The column lists here are the contract: the loaders insert by these names and the Great
Expectations suites check that the same columns are present.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_file_name", "VARCHAR NOT NULL"),
    ("_file_sha256", "VARCHAR NOT NULL"),
    ("_row_number", "BIGINT NOT NULL"),
    ("_loaded_at", "TIMESTAMP NOT NULL"),
)


@dataclass(frozen=True)
class RawTable:
    """One raw table: where it lives and its data columns (lineage columns are added)."""

    schema: str
    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    @property
    def all_column_names(self) -> list[str]:
        return self.column_names + [name for name, _ in LINEAGE_COLUMNS]

    def ddl(self) -> str:
        cols = ",\n    ".join(f"{n} {t}" for n, t in (*self.columns, *LINEAGE_COLUMNS))
        return f"CREATE TABLE IF NOT EXISTS {self.qualified} (\n    {cols}\n)"


QUEUE_LOG = RawTable(
    "raw_asterisk",
    "queue_log",
    (
        ("event_epoch", "BIGINT"),
        ("event_at", "TIMESTAMP"),
        ("callid", "VARCHAR"),
        ("queuename", "VARCHAR"),
        ("agent", "VARCHAR"),
        ("event", "VARCHAR"),
        ("data1", "VARCHAR"),
        ("data2", "VARCHAR"),
        ("data3", "VARCHAR"),
        ("data4", "VARCHAR"),
        ("data5", "VARCHAR"),
        ("source_uid", "BIGINT"),
        ("entpos", "INTEGER"),
        ("expos", "INTEGER"),
        ("htime", "INTEGER"),
        ("ttime", "INTEGER"),
        ("source_local_time", "VARCHAR"),
        ("source_format", "VARCHAR"),
    ),
)

CDR = RawTable(
    "raw_asterisk",
    "cdr",
    (
        ("accountcode", "VARCHAR"),
        ("src", "VARCHAR"),
        ("dst", "VARCHAR"),
        ("dcontext", "VARCHAR"),
        ("clid", "VARCHAR"),
        ("channel", "VARCHAR"),
        ("dstchannel", "VARCHAR"),
        ("lastapp", "VARCHAR"),
        ("lastdata", "VARCHAR"),
        ("call_start", "TIMESTAMP"),
        ("call_answer", "TIMESTAMP"),
        ("call_end", "TIMESTAMP"),
        ("duration", "INTEGER"),
        ("billsec", "INTEGER"),
        ("disposition", "VARCHAR"),
        ("amaflags", "VARCHAR"),
        ("uniqueid", "VARCHAR"),
        ("userfield", "VARCHAR"),
        ("peeraccount", "VARCHAR"),
        ("linkedid", "VARCHAR"),
        ("sequence", "INTEGER"),
        ("column_count", "INTEGER"),
    ),
)

AGENTS = RawTable(
    "raw_roster",
    "agents",
    (
        ("agent_id", "VARCHAR"),
        ("agent_name", "VARCHAR"),
        ("team", "VARCHAR"),
        ("site_id", "VARCHAR"),
        ("role", "VARCHAR"),
        ("hire_date", "DATE"),
        ("leave_date", "DATE"),
    ),
)

# source key -> raw table; the entity recorded in the ledger is the table name.
RAW_TABLES: dict[str, RawTable] = {
    "asterisk_queue_log": QUEUE_LOG,
    "asterisk_cdr": CDR,
    "roster_agents": AGENTS,
}

LEDGER_DDL = """
CREATE TABLE IF NOT EXISTS raw_ingest.file_ledger (
    file_name VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    size_bytes BIGINT,
    file_sha256 VARCHAR,
    rows_in BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('loaded', 'unchanged', 'replaced', 'failed')),
    message VARCHAR,
    loaded_at TIMESTAMP NOT NULL,
    CHECK (rows_in = rows_loaded + rows_quarantined)
)
"""

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS raw_ingest.quarantine (
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    line_number BIGINT NOT NULL,
    raw_line VARCHAR,
    reason VARCHAR NOT NULL,
    quarantined_at TIMESTAMP NOT NULL
)
"""


def create_all(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schemas and tables that do not exist yet (never alters existing ones)."""
    for schema in sorted({t.schema for t in RAW_TABLES.values()} | {"raw_ingest"}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for table in RAW_TABLES.values():
        con.execute(table.ddl())
    con.execute(LEDGER_DDL)
    con.execute(QUARANTINE_DDL)
