"""Load landing files into the raw layer, one file per transaction.

For each file: fingerprint it; if its sha256 is the one last loaded under its name, report it
'unchanged' and touch nothing; otherwise stage it (see `reader`) and, in one transaction,
delete the rows the file's earlier version left in its raw table and in the quarantine, insert
the new rows and quarantined lines, and append the ledger row. Any problem with one file makes
that file 'failed' (its earlier rows stay) and the next file is loaded all the same.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from . import ledger
from .asterisk import cdr_has_header, cdr_layout, queue_log_layout
from .files import discover, relative_name, scan_file, write_repaired_copy
from .ledger import FileResult
from .reader import (
    STAGED,
    Layout,
    UnreadableFile,
    drop_work_tables,
    first_nonblank_line,
    line_text,
    read_lines,
    stage,
)
from .roster import roster_layout
from .schema import RAW_TABLES, create_all

SOURCES = ("asterisk_queue_log", "asterisk_cdr", "roster_agents")


def connect(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) the warehouse and create the raw schemas and tables that are missing."""
    warehouse_path = Path(warehouse_path)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse_path))
    create_all(con)
    return con


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _layout_for(con: duckdb.DuckDBPyConnection, source: str) -> tuple[Layout, str]:
    """Pick the file's layout from its first line(s); `read_lines` has run."""
    if source == "asterisk_queue_log":
        first = first_nonblank_line(con)
        layout, kind = queue_log_layout(first[1] if first else None)
        if layout.header_lines and first and first[0] != 1:
            raise UnreadableFile(
                f"the realtime-table header is on line {first[0]}; it must be the first line"
            )
        return layout, kind
    if source == "asterisk_cdr":
        has_header = cdr_has_header(line_text(con, 1))
        return cdr_layout(has_header), "cdr_csv" + (", header line skipped" if has_header else "")
    if source == "roster_agents":
        return roster_layout(line_text(con, 1))
    raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")


def _failed(
    con: duckdb.DuckDBPyConnection,
    name: str,
    source: str,
    size: int | None,
    sha: str | None,
    problem: str,
) -> FileResult:
    earlier = ledger.last_successful_load(con, name)
    keep = " (the rows of its earlier version stay loaded)" if earlier else ""
    result = FileResult(name, source, size, sha, 0, 0, 0, "failed", f"{name}: {problem}{keep}")
    ledger.record(con, result, RAW_TABLES[source].name, _utcnow())
    return result


def load_file(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, path: Path, source: str
) -> FileResult:
    """Load one file of `source` unless it is unchanged; never raises for a bad file."""
    name = relative_name(landing_dir, path)
    table = RAW_TABLES[source]
    try:
        scan = scan_file(path)
    except OSError as exc:
        return _failed(con, name, source, None, None, f"cannot be read: {exc.strerror or exc}")

    earlier = ledger.last_successful_load(con, name)
    if earlier and earlier.file_sha256 == scan.sha256:
        return FileResult(
            name, source, scan.size_bytes, scan.sha256, earlier.rows_in, earlier.rows_loaded,
            earlier.rows_quarantined, "unchanged",
            f"{name}: same sha256 as loaded at {earlier.loaded_at:%Y-%m-%d %H:%M:%S} UTC; "
            "nothing to do",
        )  # fmt: skip

    loaded_at = _utcnow()
    notes: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="ccwh_ingest_") as tmp:
            read_path = path
            if scan.needs_repair:
                read_path = Path(tmp) / "repaired.txt"
                notes.append(write_repaired_copy(path, read_path, scan).describe())
            n_lines = read_lines(con, read_path)
            layout, kind = _layout_for(con, source)
            stats = stage(con, read_path, layout, Path(tmp))
            notes.extend(stats.notes)
        status = "replaced" if earlier else "loaded"
        summary = (
            f"{name}: {kind}, {n_lines} line(s): {stats.rows_ok} row(s) loaded, "
            f"{stats.rows_bad} quarantined"
        )
        if earlier:
            summary += f"; replaced the version loaded at {earlier.loaded_at:%Y-%m-%d %H:%M:%S}"
        message = "; ".join([summary, *notes])
        result = FileResult(
            name, source, scan.size_bytes, scan.sha256, stats.rows_in, stats.rows_ok,
            stats.rows_bad, status, message,
        )  # fmt: skip
        _commit(con, table.qualified, table.column_names, result, table.name, loaded_at)
        return result
    except UnreadableFile as exc:
        return _failed(con, name, source, scan.size_bytes, scan.sha256, str(exc))
    except (duckdb.Error, OSError, UnicodeError) as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _failed(con, name, source, scan.size_bytes, scan.sha256, f"load failed: {problem}")
    finally:
        drop_work_tables(con)


def _commit(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[str],
    result: FileResult,
    entity: str,
    loaded_at: datetime,
) -> None:
    """Swap the file's rows in one transaction: old raw + quarantine rows out, new ones in."""
    cols = ", ".join(columns)
    lineage = [result.file_name, result.file_sha256, loaded_at]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {table} WHERE _file_name = ?", [result.file_name])
        con.execute(f"DELETE FROM {ledger.QUARANTINE} WHERE file_name = ?", [result.file_name])
        con.execute(
            f"""
            INSERT INTO {table} ({cols}, _file_name, _file_sha256, _row_number, _loaded_at)
            SELECT {cols}, ?, ?, line_number, ?
            FROM {STAGED} WHERE problem IS NULL
            """,
            lineage,
        )
        con.execute(
            f"""
            INSERT INTO {ledger.QUARANTINE}
            SELECT ?, ?, line_number, raw_line, 'line ' || line_number || ': ' || problem, ?
            FROM {STAGED} WHERE problem IS NOT NULL ORDER BY line_number
            """,
            lineage,
        )
        ledger.record(con, result, entity, loaded_at)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_source(con: duckdb.DuckDBPyConnection, landing_dir: Path, source: str) -> list[FileResult]:
    """Load every new or changed file of one source; one result per file found."""
    if source not in RAW_TABLES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    landing_dir = Path(landing_dir)
    return [load_file(con, landing_dir, path, source) for path in discover(landing_dir, source)]


def ingest_landing(warehouse_path: Path, landing_dir: Path) -> list[FileResult]:
    """Load all sources of a landing folder into the warehouse."""
    con = connect(warehouse_path)
    try:
        return [r for source in SOURCES for r in load_source(con, landing_dir, source)]
    finally:
        con.close()
