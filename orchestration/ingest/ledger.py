"""The file ledger and the quarantine: what happened to every landing file and every bad line.

The ledger is append-only history, one row per load that changed the warehouse ('loaded',
'replaced'), could not read the file ('failed'), or read it and stopped it because it broke its
contract ('rejected': every row of it is in the quarantine, the earlier version, if any, stays).
A file seen again with the sha256 of its last successful load is reported as 'unchanged' to the
caller and writes nothing to the ledger, the raw tables or the quarantine, so that loading the
same landing folder twice leaves them as they were (only `raw_ingest.file_stats`, the cache of
`History`, learns the sha256s it computed); a file seen again with the sha256 it was rejected
with stays rejected (reported, not written again) until it changes or an operator accepts it.
The current version of a file is its latest 'loaded' or 'replaced' row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from .files import FileStat

LEDGER = "raw_ingest.file_ledger"
QUARANTINE = "raw_ingest.quarantine"
STATS = "raw_ingest.file_stats"


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


@dataclass
class History:
    """What the ledger knows of one source's files, read in three queries for a whole pass
    over them instead of two per file, and the sha256s computed in that pass, to remember.

    A pass over a landing folder of a year (4,438 files, 5.5 GB) with one new day spent about
    45 s finding that the others were unchanged: two ledger lookups per file and a read of
    every byte to hash it. A file whose `FileStat` equals the one recorded when it was last
    hashed, and that had settled then, is known by that sha256 without being read
    (DECISIONS.md D214).
    """

    attempts: dict[str, Attempt]
    loads: dict[str, LastLoad]
    stats: dict[str, tuple[FileStat, str]]
    observed: list[tuple[str, FileStat, str]] = field(default_factory=list)

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, source: str) -> History:
        latest = "QUALIFY row_number() OVER (PARTITION BY file_name ORDER BY loaded_at DESC) = 1"
        attempts = con.execute(
            f"""
            SELECT file_name, status, file_sha256, config_sha256, rows_in, rows_loaded,
                   rows_quarantined, message, loaded_at
            FROM {LEDGER}
            WHERE source = ? AND status IN ('loaded', 'replaced', 'rejected')
            {latest}
            """,
            [source],
        ).fetchall()
        loads = con.execute(
            f"""
            SELECT file_name, file_sha256, rows_in, rows_loaded, rows_quarantined, loaded_at,
                   config_sha256
            FROM {LEDGER}
            WHERE source = ? AND status IN ('loaded', 'replaced')
            {latest}
            """,
            [source],
        ).fetchall()
        stats = con.execute(
            f"""
            SELECT s.file_name, s.size_bytes, s.mtime_ns, s.ctime_ns, s.inode, s.file_sha256
            FROM {STATS} AS s
            WHERE s.file_name IN (SELECT file_name FROM {LEDGER} WHERE source = ?)
            """,
            [source],
        ).fetchall()
        return cls(
            {r[0]: Attempt(*r[1:]) for r in attempts},
            {r[0]: LastLoad(*r[1:]) for r in loads},
            {r[0]: (FileStat(*r[1:5]), r[5]) for r in stats},
        )

    def known_sha256(self, file_name: str, stat: FileStat) -> str | None:
        """The file's sha256 if its stat is the one recorded when it was hashed, else None."""
        known = self.stats.get(file_name)
        return known[1] if known and known[0] == stat else None

    def record(self, result: FileResult, loaded_at: datetime) -> None:
        """A file of the pass was loaded, replaced or rejected: the files after it see it."""
        self.attempts[result.file_name] = Attempt(
            result.status, result.file_sha256 or "", result.config_sha256, result.rows_in,
            result.rows_loaded, result.rows_quarantined, result.message, loaded_at,
        )  # fmt: skip
        if result.status in ("loaded", "replaced"):
            self.loads[result.file_name] = LastLoad(
                result.file_sha256 or "", result.rows_in, result.rows_loaded,
                result.rows_quarantined, loaded_at, result.config_sha256,
            )  # fmt: skip

    def twin(self, file_name: str, sha256: str) -> str | None:
        """Another file of the source whose current version has the same bytes (the first by
        name): a copy under another name, whose events staging keeps once (D14)."""
        return min(
            (n for n, load in self.loads.items() if load.file_sha256 == sha256 and n != file_name),
            default=None,
        )

    def observe(self, file_name: str, stat: FileStat, sha256: str, now_ns: int) -> None:
        """A file was hashed: remember its sha256 under the stat taken before reading it,
        if the file had settled by then (`FileStat.settled`)."""
        if stat.settled(now_ns):
            self.observed.append((file_name, stat, sha256))

    def remember(self, con: duckdb.DuckDBPyConnection, recorded_at: datetime) -> None:
        """Write the observed sha256s (one statement for the pass)."""
        if not self.observed:
            return
        names, stats, shas = zip(*self.observed, strict=True)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"DELETE FROM {STATS} WHERE file_name IN (SELECT unnest(?))", [list(names)])
            con.execute(
                f"""
                INSERT INTO {STATS}
                SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), ?
                """,
                [
                    list(names),
                    [s.size_bytes for s in stats],
                    [s.mtime_ns for s in stats],
                    [s.ctime_ns for s in stats],
                    [s.inode for s in stats],
                    list(shas),
                    recorded_at,
                ],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self.observed.clear()
