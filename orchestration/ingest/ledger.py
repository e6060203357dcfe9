"""The file ledger and the quarantine: what happened to every landing file and every bad line.

The ledger is append-only history, one row per load that changed the warehouse ('loaded',
'replaced'), could not read the file ('failed'), or read it and stopped it because it broke its
contract ('rejected': every row of it is in the quarantine, the earlier version, if any, stays).
A file seen again with the sha256 of its last successful load is reported as 'unchanged' to the
caller and writes nothing, so that loading the same landing folder twice leaves the warehouse
byte-for-byte as it was; a file seen again with the sha256 it was rejected with stays rejected
(reported, not written again) until it changes or an operator accepts it. The current version
of a file is its latest 'loaded' or 'replaced' row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import duckdb

LEDGER = "raw_ingest.file_ledger"
QUARANTINE = "raw_ingest.quarantine"


@dataclass(frozen=True)
class FileResult:
    """The outcome of one file. Invariant: rows_in = rows_loaded + rows_quarantined."""

    file_name: str
    source: str
    size_bytes: int | None
    file_sha256: str | None
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    status: str  # 'loaded' | 'unchanged' | 'replaced' | 'failed' | 'rejected'
    message: str
    # sha256 of the configuration the file was read with (a mapped source's mapping file):
    # a changed mapping re-loads an unchanged file. None for sources without one.
    config_sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LastLoad:
    file_sha256: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    loaded_at: datetime
    config_sha256: str | None = None


def last_successful_load(con: duckdb.DuckDBPyConnection, file_name: str) -> LastLoad | None:
    """The latest 'loaded' or 'replaced' ledger row of a file name, if any."""
    row = con.execute(
        f"""
        SELECT file_sha256, rows_in, rows_loaded, rows_quarantined, loaded_at, config_sha256
        FROM {LEDGER}
        WHERE file_name = ? AND status IN ('loaded', 'replaced')
        ORDER BY loaded_at DESC LIMIT 1
        """,
        [file_name],
    ).fetchone()
    return None if row is None else LastLoad(*row)


@dataclass(frozen=True)
class Attempt:
    """The latest ledger row of a file that read it: loaded, replaced or rejected."""

    status: str
    file_sha256: str
    config_sha256: str | None
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    message: str
    loaded_at: datetime


def latest_attempt(con: duckdb.DuckDBPyConnection, file_name: str) -> Attempt | None:
    row = con.execute(
        f"""
        SELECT status, file_sha256, config_sha256, rows_in, rows_loaded, rows_quarantined,
               message, loaded_at
        FROM {LEDGER}
        WHERE file_name = ? AND status IN ('loaded', 'replaced', 'rejected')
        ORDER BY loaded_at DESC LIMIT 1
        """,
        [file_name],
    ).fetchone()
    return None if row is None else Attempt(*row)


def record(
    con: duckdb.DuckDBPyConnection, result: FileResult, entity: str, loaded_at: datetime
) -> None:
    """Append one ledger row (inside the caller's transaction, if any)."""
    con.execute(
        f"INSERT INTO {LEDGER} (file_name, source, entity, size_bytes, file_sha256, rows_in, "
        "rows_loaded, rows_quarantined, status, message, loaded_at, config_sha256) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.file_name,
            result.source,
            entity,
            result.size_bytes,
            result.file_sha256,
            result.rows_in,
            result.rows_loaded,
            result.rows_quarantined,
            result.status,
            result.message,
            loaded_at,
            result.config_sha256,
        ],
    )
