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
        # realtime-table exports: columns without a queue_log counterpart, as a JSON object
        ("extra_fields", "VARCHAR"),
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
        # header-named exports (PBXware's database dump): the layout, and the columns that
        # have no cdr_csv counterpart as a JSON object, so nothing the file carries is lost
        ("source_format", "VARCHAR DEFAULT 'cdr_csv'"),
        ("extra_fields", "VARCHAR"),
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
        # columns of the roster file other than the seven above, as a JSON object
        ("extra_fields", "VARCHAR"),
    ),
)

CONTACT_TRACE_RECORDS = RawTable(
    "raw_amazon_connect",
    "contact_trace_records",
    (
        ("contact_id", "VARCHAR"),
        ("initial_contact_id", "VARCHAR"),
        ("previous_contact_id", "VARCHAR"),
        ("next_contact_id", "VARCHAR"),
        ("channel", "VARCHAR"),
        ("initiation_method", "VARCHAR"),
        ("initiation_at", "TIMESTAMP"),
        ("connected_to_system_at", "TIMESTAMP"),
        ("disconnect_at", "TIMESTAMP"),
        ("disconnect_reason", "VARCHAR"),
        ("last_update_at", "TIMESTAMP"),
        ("transfer_completed_at", "TIMESTAMP"),
        ("transferred_to_endpoint", "VARCHAR"),
        ("queue_name", "VARCHAR"),
        ("queue_arn", "VARCHAR"),
        ("queue_enqueue_at", "TIMESTAMP"),
        ("queue_dequeue_at", "TIMESTAMP"),
        ("queue_duration_seconds", "INTEGER"),
        ("agent_username", "VARCHAR"),
        ("agent_arn", "VARCHAR"),
        ("agent_routing_profile", "VARCHAR"),
        ("agent_connected_at", "TIMESTAMP"),
        ("agent_interaction_seconds", "INTEGER"),
        ("agent_customer_hold_seconds", "INTEGER"),
        ("agent_number_of_holds", "INTEGER"),
        ("agent_longest_hold_seconds", "INTEGER"),
        ("agent_acw_seconds", "INTEGER"),
        ("agent_acw_started_at", "TIMESTAMP"),
        ("agent_acw_ended_at", "TIMESTAMP"),
        ("agent_connection_attempts", "INTEGER"),
        ("customer_endpoint_address", "VARCHAR"),
        ("customer_endpoint_type", "VARCHAR"),
        ("system_endpoint_address", "VARCHAR"),
        ("instance_arn", "VARCHAR"),
        ("aws_account_id", "VARCHAR"),
        ("record_format_version", "VARCHAR"),
        ("attributes_json", "VARCHAR"),
        ("record_json", "VARCHAR"),
        ("source_line", "BIGINT"),
    ),
)

MAPPED_CONTACTS = RawTable(
    "raw_mapped",
    "contacts",
    (
        ("source_name", "VARCHAR"),
        ("contact_id", "VARCHAR"),
        ("channel", "VARCHAR"),
        ("direction", "VARCHAR"),
        ("site_id", "VARCHAR"),
        ("queue_id", "VARCHAR"),
        ("agent_id", "VARCHAR"),
        ("customer", "VARCHAR"),
        ("arrived_at", "TIMESTAMP"),
        ("queued_at", "TIMESTAMP"),
        ("answered_at", "TIMESTAMP"),
        ("ended_at", "TIMESTAMP"),
        ("time_basis", "VARCHAR"),
        ("wait_seconds", "BIGINT"),
        ("talk_seconds", "BIGINT"),
        ("hold_seconds", "BIGINT"),
        ("acw_seconds", "BIGINT"),
        ("hold_count", "INTEGER"),
        ("outcome", "VARCHAR"),
        ("abandon_reason", "VARCHAR"),
        ("lost_reason", "VARCHAR"),
        ("end_reason", "VARCHAR"),
        ("transfer_type", "VARCHAR"),
        ("source_record", "VARCHAR"),
        ("mapping_file", "VARCHAR"),
        ("mapping_sha256", "VARCHAR"),
        ("source_line", "BIGINT"),
    ),
)

# Written by the planning asset (orchestration/planning/snapshots.py), not loaded from files:
# forecast snapshots with their staffing. Created with the raw layer so that the planning dbt
# models always have their source.
PLANNING_FORECASTS = RawTable(
    "raw_planning",
    "forecasts",
    (
        ("run_id", "VARCHAR"),
        ("run_kind", "VARCHAR"),  # backtest | production
        ("made_at", "TIMESTAMP"),  # UTC
        ("origin_date", "DATE"),  # first local day forecast
        ("queue_id", "VARCHAR"),
        ("site_id", "VARCHAR"),
        ("date_local", "DATE"),
        ("interval_start_local", "TIMESTAMP"),
        ("interval_start_at", "TIMESTAMP"),  # UTC
        ("interval_minutes", "INTEGER"),
        ("model", "VARCHAR"),
        ("is_selected", "BOOLEAN"),
        ("forecast_calls", "DOUBLE"),
        ("forecast_aht_seconds", "DOUBLE"),
        ("service_level_target", "DOUBLE"),
        ("threshold_seconds", "INTEGER"),
        ("max_occupancy", "DOUBLE"),
        ("patience_seconds", "DOUBLE"),
        ("shrinkage", "DOUBLE"),
        ("offered_load", "DOUBLE"),
        ("required_agents", "INTEGER"),
        ("required_agents_erlang_a", "INTEGER"),
        ("scheduled_agents_needed", "INTEGER"),
        ("predicted_service_level", "DOUBLE"),
        ("predicted_service_level_erlang_a", "DOUBLE"),
        ("trunks_required", "INTEGER"),
        # pooled Erlang C of the queues sharing agents (staffing.pooled_staffing, D150);
        # the queue's load share of its group's agents; NULL on rows of unchosen models
        ("staffing_group_id", "VARCHAR"),
        ("group_required_agents", "DOUBLE"),
        ("group_scheduled_agents_needed", "DOUBLE"),
        ("group_predicted_service_level", "DOUBLE"),
    ),
)

# source key -> raw table; the entity recorded in the ledger is the table name.
RAW_TABLES: dict[str, RawTable] = {
    "asterisk_queue_log": QUEUE_LOG,
    "asterisk_cdr": CDR,
    "roster_agents": AGENTS,
    "amazon_connect_ctr": CONTACT_TRACE_RECORDS,
    "mapped_contacts": MAPPED_CONTACTS,
    "planning_forecasts": PLANNING_FORECASTS,
}

# 'rejected': read, but stopped by its contract (its rows are in the quarantine); ledger.py
LEDGER_STATUSES = ("loaded", "unchanged", "replaced", "failed", "rejected")
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
    status VARCHAR NOT NULL CHECK (status IN {LEDGER_STATUSES}),
    message VARCHAR,
    loaded_at TIMESTAMP NOT NULL,
    config_sha256 VARCHAR,
    CHECK (rows_in = rows_loaded + rows_quarantined)
)
""".replace("{LEDGER_STATUSES}", str(LEDGER_STATUSES))

# Columns added after a table was first created: (table, column, type). `create_all` adds the
# missing ones to an existing warehouse (DuckDB fills existing rows with the default).
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("raw_asterisk.cdr", "source_format", "VARCHAR DEFAULT 'cdr_csv'"),
    ("raw_asterisk.cdr", "extra_fields", "VARCHAR"),
    ("raw_ingest.file_ledger", "config_sha256", "VARCHAR"),
    ("raw_asterisk.queue_log", "extra_fields", "VARCHAR"),
    ("raw_roster.agents", "extra_fields", "VARCHAR"),
    ("raw_planning.forecasts", "staffing_group_id", "VARCHAR"),
    ("raw_planning.forecasts", "group_required_agents", "DOUBLE"),
    ("raw_planning.forecasts", "group_scheduled_agents_needed", "DOUBLE"),
    ("raw_planning.forecasts", "group_predicted_service_level", "DOUBLE"),
)

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

# The sha256 last computed of each landing file, with what `stat` said of the file then
# (`files.FileStat`): a file whose stat has not changed since is known without reading it
# (ledger.History, DECISIONS.md D214). A cache: deleting its rows only costs a re-read.
FILE_STATS_DDL = """
CREATE TABLE IF NOT EXISTS raw_ingest.file_stats (
    file_name VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    mtime_ns BIGINT NOT NULL,
    ctime_ns BIGINT NOT NULL,
    inode BIGINT NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
)
"""


def create_all(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schemas and tables that do not exist yet, and add the columns listed in
    `ADDED_COLUMNS` to tables an earlier version created (nothing is ever dropped or retyped)."""
    for schema in sorted({t.schema for t in RAW_TABLES.values()} | {"raw_ingest"}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for table in RAW_TABLES.values():
        con.execute(table.ddl())
    con.execute(LEDGER_DDL)
    con.execute(QUARANTINE_DDL)
    con.execute(FILE_STATS_DDL)
    for table, column, sql_type in ADDED_COLUMNS:
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {sql_type}")
    _allow_new_ledger_statuses(con)


def _allow_new_ledger_statuses(con: duckdb.DuckDBPyConnection) -> None:
    """A ledger created before a status was added has a CHECK that refuses it, and DuckDB
    cannot alter a CHECK: copy the rows into a ledger created with the current one."""
    checks = con.execute(
        "SELECT expression FROM duckdb_constraints() WHERE schema_name = 'raw_ingest' "
        "AND table_name = 'file_ledger' AND constraint_type = 'CHECK'"
    ).fetchall()
    if not checks or any(all(f"'{s}'" in e for s in LEDGER_STATUSES) for (e,) in checks):
        return
    columns = ", ".join(
        name
        for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw_ingest' "
            "AND table_name = 'file_ledger' ORDER BY column_index"
        ).fetchall()
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("ALTER TABLE raw_ingest.file_ledger RENAME TO file_ledger_before_migration")
        con.execute(LEDGER_DDL)
        con.execute(
            f"INSERT INTO raw_ingest.file_ledger ({columns}) "
            f"SELECT {columns} FROM raw_ingest.file_ledger_before_migration"
        )
        con.execute("DROP TABLE raw_ingest.file_ledger_before_migration")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
