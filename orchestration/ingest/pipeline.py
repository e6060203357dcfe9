"""Load landing files into the raw layer, one file per transaction.

For each file: fingerprint it; if its sha256 is the one last loaded under its name, report it
'unchanged' and touch nothing (and if it is the one last *rejected*, report it 'rejected' again
and touch nothing); otherwise stage it (see `reader`), check the rows it would load against its
source's contract (`expectations.check_file_contract`: the Great Expectations suite and the
volume against the ledger's history) and, in one transaction, delete the rows the file's
earlier version left in its raw table and in the quarantine, insert the new rows and
quarantined lines, and append the ledger row. A file that breaks its contract is 'rejected':
none of its rows reach the raw table, all of them are in the quarantine (the failed
expectations are the reason of the rows that had none), and its earlier version, if any, stays
loaded. Any problem with one file makes that file 'failed' (its earlier rows stay) and the next
file is loaded all the same.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import time
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ..config import PROJECT_DIR, settings
from . import ledger
from .amazon_connect import ctr_layout
from .asterisk import (
    cdr_has_header,
    cdr_header_layout,
    cdr_is_positional_header,
    cdr_layout,
    queue_log_layout,
)
from .expectations import Rows, ValidationResult, VolumeRule, check_file_contract
from .extracts import EXTRACTS, extract_layout
from .files import (
    FileScan,
    FileStat,
    check_encoding,
    discover,
    relative_name,
    scan_file,
    transcode_utf16,
    utf16_encoding,
    write_repaired_copy,
)
from .ledger import FileResult
from .mapping import (
    Mapping,
    check_expressions,
    csv_layout,
    excel_to_csv,
    find_mapping,
    json_layout,
    load_mapping,
    source_name_of,
    transcode,
)
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
from .records import drop_record_tables, stage_records
from .roster import roster_layout
from .schema import RAW_TABLES, RawTable, create_all

SOURCES = (
    "asterisk_queue_log",
    "asterisk_cdr",
    "roster_agents",
    "amazon_connect_ctr",
    "mapped_contacts",
    *EXTRACTS,  # business extracts: CRM, surveys, workforce, quality, HR, costs (extracts.py)
)
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# shipped mappings, used for a landing/mapped/<name>/ folder without its own mapping.yml
SHIPPED_MAPPINGS = PROJECT_DIR / "mappings"
GZIP_MAGIC = b"\x1f\x8b"
CHECKPOINT_THRESHOLD = "256MB"


def connect(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) the warehouse and create the raw schemas and tables that are missing."""
    warehouse_path = Path(warehouse_path)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse_path))
    # checkpoint every 256 MB of WAL instead of DuckDB's 16 MB: a year's day of queue_log is
    # about that much, and a checkpoint per file was a fifth of the ingestion (D217)
    con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    create_all(con)
    return con


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _layout_for(
    con: duckdb.DuckDBPyConnection, source: str, mapping: Mapping | None = None
) -> tuple[Layout, str]:
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
        first = line_text(con, 1)
        has_header = cdr_has_header(first)
        if has_header and first is not None and not cdr_is_positional_header(first):
            return cdr_header_layout(first)
        return cdr_layout(has_header), "cdr_csv" + (", header line skipped" if has_header else "")
    if source == "roster_agents":
        return roster_layout(line_text(con, 1))
    if source == "mapped_contacts" and mapping is not None:
        return csv_layout(mapping, line_text(con, 1) if mapping.header else None)
    if source in EXTRACTS:
        spec = EXTRACTS[source]
        return extract_layout(spec, line_text(con, 1), spec.time_zone or settings().site_time_zone)
    raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")


def _failed(
    con: duckdb.DuckDBPyConnection,
    name: str,
    source: str,
    size: int | None,
    sha: str | None,
    problem: str,
    config_sha: str | None = None,
) -> FileResult:
    earlier = ledger.last_successful_load(con, name)
    keep = " (the rows of its earlier version stay loaded)" if earlier else ""
    result = FileResult(
        name, source, size, sha, 0, 0, 0, "failed", f"{name}: {problem}{keep}", config_sha
    )
    ledger.record(con, result, RAW_TABLES[source].name, _utcnow())
    return result


def _mapping_for(con: duckdb.DuckDBPyConnection, landing_dir: Path, path: Path) -> Mapping:
    """The file's mapping, parsed and with every expression bound (else MappingError)."""
    mapping_path, label = find_mapping(landing_dir, path, SHIPPED_MAPPINGS)
    mapping = load_mapping(mapping_path, label, source_name_of(landing_dir, path))
    check_expressions(con, mapping)
    return mapping


def _not_ctr_file(path: Path) -> str | None:
    """Why a file in the CTR folder is not JSON to read as records (None: read it).

    Decided by content, not by name: Kinesis Firehose names its S3 objects without an
    extension. A file whose first character (after a byte-order mark and blanks) opens a JSON
    object or array is read; an empty file is read (no records); a gzip file (Firehose can
    compress) is read decompressed; anything else is not.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(4096)
    except OSError:
        return None  # the load reports the read error
    if raw.startswith(GZIP_MAGIC):
        return None
    head = raw.decode("utf-8", errors="replace")
    start = head.lstrip("\ufeff \t\r\n")
    if not start or start[0] in "{[":
        return None
    first = start.splitlines()[0]
    what = f"not JSON (it starts with {first[:40]!r})"
    if "StartInterval" in first and "EndInterval" in first:
        what = (
            "an Amazon Connect historical metrics report (interval aggregates: "
            f"{first.strip()[:60]}...), not contact trace records"
        )
    return (
        f"{what}: not loaded. Contact trace records are JSON (one record, an array, JSON lines "
        "or Firehose's concatenated records); move other exports out of amazon_connect/ctr/ "
        "(historical metrics reports load from amazon_connect/historical_metrics/queue/ and "
        "/agent/)"
    )


def load_file(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    path: Path,
    source: str,
    *,
    accept: bool = False,
    contract: bool = True,
    legacy_encoding: str | None = None,
    volume: VolumeRule | None = None,
    history: ledger.History | None = None,
) -> FileResult:
    """Load one file of `source` unless it is unchanged; never raises for a bad file.

    `accept`: load the file even if it breaks its contract (an operator's decision, e.g. a
    holiday's low volume); the ledger message keeps the failed expectations. `contract=False`
    skips the contract altogether. `legacy_encoding`: how lines that are not valid UTF-8 are
    read (default: the CCWH_LEGACY_ENCODING setting, latin-1). `history`: the ledger's rows of
    the source's files, read once for a pass over them (`load_source`); read here otherwise.
    """
    name = relative_name(landing_dir, path)
    table = RAW_TABLES[source]
    history = history or ledger.History.read(con, source)
    scan: FileScan | None = None
    try:
        stat = FileStat.of(path)
        sha = history.known_sha256(name, stat)
        if sha is None:
            scan = scan_file(path)
            sha = scan.sha256
            history.observe(name, stat, sha, time.time_ns())
    except OSError as exc:
        return _failed(con, name, source, None, None, f"cannot be read: {exc.strerror or exc}")
    size = scan.size_bytes if scan else stat.size_bytes
    try:
        encoding = check_encoding(legacy_encoding or settings().legacy_encoding)
    except ValueError as exc:
        return _failed(con, name, source, size, sha, str(exc))

    mapping: Mapping | None = None
    if source == "mapped_contacts":
        try:
            mapping = _mapping_for(con, landing_dir, path)
        except UnreadableFile as exc:
            return _failed(con, name, source, size, sha, str(exc))
        except OSError as exc:
            problem = f"its mapping cannot be read: {exc.strerror or exc}"
            return _failed(con, name, source, size, sha, problem)
    elif source == "amazon_connect_ctr" and (why := _not_ctr_file(path)):
        return _failed(con, name, source, size, sha, why)
    config_sha = mapping.sha256 if mapping else None

    attempt = history.attempts.get(name)
    if (
        attempt
        and attempt.status == "rejected"
        and attempt.file_sha256 == sha
        and attempt.config_sha256 == config_sha
        and not accept
    ):
        return FileResult(
            name, source, size, sha, attempt.rows_in, attempt.rows_loaded,
            attempt.rows_quarantined, "rejected",
            f"{name}: still rejected (same sha256 as rejected at "
            f"{attempt.loaded_at:%Y-%m-%d %H:%M:%S} UTC; nothing to do): {attempt.message}",
            config_sha,
        )  # fmt: skip
    earlier = history.loads.get(name)
    if earlier and earlier.file_sha256 == sha and earlier.config_sha256 == config_sha:
        return FileResult(
            name, source, size, sha, earlier.rows_in, earlier.rows_loaded,
            earlier.rows_quarantined, "unchanged",
            f"{name}: same sha256 as loaded at {earlier.loaded_at:%Y-%m-%d %H:%M:%S} UTC; "
            "nothing to do", config_sha,
        )  # fmt: skip

    loaded_at = _utcnow()
    notes: list[str] = []
    row_label = "line"
    try:
        if scan is None:  # known by its stat, but to be read all the same
            scan = scan_file(path)
            size, sha = scan.size_bytes, scan.sha256
        with tempfile.TemporaryDirectory(prefix="ccwh_ingest_") as tmp:
            read_path, read_scan = path, scan
            if mapping is not None:
                read_path, prepared = _prepare_mapped(path, Path(tmp), mapping)
                notes.extend(prepared)
            elif source in EXTRACTS and path.suffix.lower() in EXCEL_SUFFIXES:
                read_path = Path(tmp) / "sheet.csv"
                notes.append(f"Excel {excel_to_csv(path, read_path, None)} read as CSV")
            elif source == "amazon_connect_ctr" and _is_gzip(path):
                read_path = Path(tmp) / "decompressed.json"
                _gunzip(path, read_path)
                notes.append("gzip-compressed, read decompressed")
            if (utf16 := utf16_encoding(read_path)) is not None:
                transcoded = Path(tmp) / "utf16.txt"
                transcode_utf16(read_path, transcoded, utf16)
                notes.append(f"{utf16.upper()} (byte-order mark), read as UTF-8")
                read_path = transcoded
            if read_path != path:
                read_scan = scan_file(read_path)
            if read_scan.needs_repair:
                repaired = Path(tmp) / "repaired.txt"
                report = write_repaired_copy(read_path, repaired, read_scan, encoding)
                notes.append(report.describe())
                read_path = repaired
            if source == "amazon_connect_ctr" or (mapping and mapping.format == "json"):
                if mapping is not None:
                    record_layout, kind = json_layout(mapping)
                else:
                    record_layout, kind = ctr_layout(), "Amazon Connect contact trace records"
                rstats = stage_records(con, read_path, record_layout, Path(tmp))
                head = f"{kind}, {rstats.shape}"
                summary = (
                    f"{name}: {head}: {rstats.rows_ok} record(s) loaded, "
                    f"{rstats.rows_bad} quarantined"
                )
                rows_in, rows_ok, rows_bad = rstats.rows_in, rstats.rows_ok, rstats.rows_bad
                row_label = "record"
            else:
                n_lines = read_lines(con, read_path)
                layout, kind = _layout_for(con, source, mapping)
                stats = stage(con, read_path, layout, Path(tmp), not read_scan.ends_with_newline)
                notes.extend(stats.notes)
                head = f"{kind}, {n_lines} line(s)"
                summary = (
                    f"{name}: {head}: {stats.rows_ok} row(s) loaded, {stats.rows_bad} quarantined"
                )
                rows_in, rows_ok, rows_bad = stats.rows_in, stats.rows_ok, stats.rows_bad
        if twin := history.twin(name, sha):
            notes.append(
                f"same content (sha256) as {twin}: its rows are duplicates of that file's, and "
                "staging keeps one copy of each (DECISIONS.md D14)"
            )
        rejected: str | None = None
        if contract:
            try:
                rows = _staged_rows(table, name, sha, loaded_at, row_label)
                data_rows = con.execute(
                    f"SELECT count(*) FILTER (WHERE problem IS DISTINCT FROM 'blank line') "
                    f"FROM {STAGED}"
                ).fetchone()[0]
                outcome = check_file_contract(con, source, name, rows, volume, int(data_rows))
            except Exception as exc:  # GE, SQL or pandas: this file fails, the others go on
                raise UnreadableFile(
                    f"its contract could not be checked: {type(exc).__name__}: {exc}"
                ) from exc
            if outcome.success or accept:
                notes.append(_contract_note(outcome))
            else:
                rejected = outcome.describe_failures()
        if rejected is not None:
            keep = (
                f"; the version loaded at {earlier.loaded_at:%Y-%m-%d %H:%M:%S} stays loaded"
                if earlier
                else ""
            )
            message = "; ".join(
                [
                    f"{name}: REJECTED by its contract: {rejected}{keep}. None of its "
                    f"{rows_in} row(s) is loaded, all are in the quarantine ({rows_bad} with "
                    f"their own reason, {rows_ok} with the contract's). Fix the export and "
                    f"deliver it again, or load it as it is with: ccwh ingest --accept {name}",
                    head,
                    *(n for n in notes if n),
                ]
            )
            result = FileResult(
                name, source, size, sha, rows_in, 0, rows_in, "rejected",
                message, config_sha,
            )  # fmt: skip
            _commit_rejected(con, result, table.name, loaded_at, row_label, rejected)
            history.record(result, loaded_at)
            return result
        status = "replaced" if earlier else "loaded"
        if earlier:
            summary += f"; replaced the version loaded at {earlier.loaded_at:%Y-%m-%d %H:%M:%S}"
            if earlier.file_sha256 == sha:
                summary += " (same file, changed mapping)"
        message = "; ".join([summary, *(n for n in notes if n)])
        result = FileResult(
            name, source, size, sha, rows_in, rows_ok, rows_bad, status,
            message, config_sha,
        )  # fmt: skip
        _commit(con, table.qualified, table.column_names, result, table.name, loaded_at, row_label)
        history.record(result, loaded_at)
        return result
    except UnreadableFile as exc:
        return _failed(con, name, source, size, sha, str(exc), config_sha)
    except (duckdb.Error, OSError, UnicodeError) as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if mapping is not None:
            problem = (
                f"evaluating the expressions of mapping {mapping.label} failed on this file's "
                f"data: {problem} (an expression that can fail on a bad value, such as "
                "strptime or a cast, should use its try_ form so that the row is quarantined)"
            )
        else:
            problem = f"load failed: {problem}"
        return _failed(con, name, source, size, sha, problem, config_sha)
    finally:
        drop_work_tables(con)
        drop_record_tables(con)


def _staged_rows(table: RawTable, name: str, sha: str, loaded_at: datetime, row_label: str) -> Rows:
    """The rows the staged file would load, typed as in its raw table, as SQL for the
    contract (evaluated in DuckDB, `expectations.validate_rows`)."""
    row = "row_number" if row_label == "record" else "line_number"
    cols = ", ".join(f"CAST({n} AS {t.split(' DEFAULT ')[0]}) AS {n}" for n, t in table.columns)
    sql = (
        f"(SELECT {cols}, ?::VARCHAR AS _file_name, ?::VARCHAR AS _file_sha256, "
        f"{row}::BIGINT AS _row_number, ?::TIMESTAMP AS _loaded_at "
        f"FROM {STAGED} WHERE problem IS NULL)"
    )
    return Rows(sql, table.all_column_names, "_row_number", [name, sha, loaded_at])


def _contract_note(outcome: ValidationResult) -> str:
    """What the contract said about a file that loads (it passed, or the operator accepted)."""
    checked = outcome.statistics.get("evaluated_expectations", len(outcome.results))
    if outcome.success:
        text = f"contract passed ({checked} expectations)"
    else:
        text = (
            "contract FAILED, loaded because the operator accepted it (ccwh ingest --accept): "
            + outcome.describe_failures()
        )
    return "; ".join([text, *outcome.notes])


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def _gunzip(path: Path, dest: Path) -> None:
    try:
        with gzip.open(path, "rb") as src, dest.open("wb") as out:
            shutil.copyfileobj(src, out)
    except (OSError, EOFError) as exc:
        raise UnreadableFile(f"gzip-compressed but cannot be decompressed: {exc}") from exc


def _prepare_mapped(path: Path, tmp: Path, mapping: Mapping) -> tuple[Path, list[str]]:
    """The UTF-8 text file the engine reads for a mapped file, and what was done to get it."""
    if mapping.format == "excel":
        dest = tmp / "sheet.csv"
        return dest, [f"Excel {excel_to_csv(path, dest, mapping.sheet)} read as CSV"]
    if mapping.encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        return path, []
    dest = tmp / "transcoded.txt"
    try:
        transcode(path, dest, mapping.encoding)
    except UnicodeError as exc:
        raise UnreadableFile(
            f"not valid {mapping.encoding} as mapping {mapping.label} declares: {exc}"
        ) from exc
    return dest, [f"read as {mapping.encoding}"]


def _commit(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[str],
    result: FileResult,
    entity: str,
    loaded_at: datetime,
    row_label: str = "line",
) -> None:
    """Swap the file's rows in one transaction: old raw + quarantine rows out, new ones in.

    `_row_number` is the staged ``line_number``, or for records (JSON) their ``row_number``;
    the quarantine keeps the physical line and names the record.
    """
    cols = ", ".join(columns)
    lineage = [result.file_name, result.file_sha256, loaded_at]
    row = "row_number" if row_label == "record" else "line_number"
    where = (
        "'line ' || line_number || ', record ' || row_number || ': '"
        if row_label == "record"
        else "'line ' || line_number || ': '"
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {table} WHERE _file_name = ?", [result.file_name])
        con.execute(f"DELETE FROM {ledger.QUARANTINE} WHERE file_name = ?", [result.file_name])
        con.execute(
            f"""
            INSERT INTO {table} ({cols}, _file_name, _file_sha256, _row_number, _loaded_at)
            SELECT {cols}, ?, ?, {row}, ?
            FROM {STAGED} WHERE problem IS NULL
            """,
            lineage,
        )
        con.execute(
            f"""
            INSERT INTO {ledger.QUARANTINE}
            SELECT ?, ?, line_number, raw_line, {where} || problem, ?
            FROM {STAGED} WHERE problem IS NOT NULL ORDER BY {row}
            """,
            lineage,
        )
        ledger.record(con, result, entity, loaded_at)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _commit_rejected(
    con: duckdb.DuckDBPyConnection,
    result: FileResult,
    entity: str,
    loaded_at: datetime,
    row_label: str,
    failures: str,
) -> None:
    """A rejected file: every staged row into the quarantine, nothing into the raw table.

    The rows of the file's earlier version (raw and quarantined) stay: it is still the current
    version. Quarantined rows of an earlier attempt with the same sha256 are replaced.
    """
    row = "row_number" if row_label == "record" else "line_number"
    where = (
        "'line ' || line_number || ', record ' || row_number || ': '"
        if row_label == "record"
        else "'line ' || line_number || ': '"
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"DELETE FROM {ledger.QUARANTINE} WHERE file_name = ? AND file_sha256 = ?",
            [result.file_name, result.file_sha256],
        )
        con.execute(
            f"""
            INSERT INTO {ledger.QUARANTINE}
            SELECT ?, ?, line_number, raw_line,
                   {where} || coalesce(problem, 'file rejected by its contract: ' || ?), ?
            FROM {STAGED} ORDER BY {row}
            """,
            [result.file_name, result.file_sha256, failures, loaded_at],
        )
        ledger.record(con, result, entity, loaded_at)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_source(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    source: str,
    *,
    accept: Collection[str] | bool = (),
    contract: bool = True,
    files: Collection[Path] | None = None,
    legacy_encoding: str | None = None,
) -> list[FileResult]:
    """Load every new or changed file of one source; one result per file found.

    `accept`: file names (relative to the landing folder) to load even if they break their
    contract, or True for all. `files`: only these files of the source (e.g. one day's).
    """
    if source not in RAW_TABLES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    landing_dir = Path(landing_dir)
    paths = discover(landing_dir, source)
    if files is not None:
        wanted = {Path(f).resolve() for f in files}
        paths = [p for p in paths if p.resolve() in wanted]
    history = ledger.History.read(con, source)
    results = [
        load_file(
            con, landing_dir, path, source,
            accept=accept is True or (accept is not False
                                      and relative_name(landing_dir, path) in accept),
            contract=contract, legacy_encoding=legacy_encoding, history=history,
        )
        for path in paths
    ]  # fmt: skip
    history.remember(con, _utcnow())
    return results


def ingest_landing(
    warehouse_path: Path,
    landing_dir: Path,
    *,
    accept: Collection[str] | bool = (),
    workers: int | None = None,
) -> list[FileResult]:
    """Load all sources of a landing folder into the warehouse.

    Sources are independent: each has its own raw table, and what a file is checked against
    (its earlier versions, its twins, its source's volume baseline) lies within its source.
    So up to `workers` sources load at once (default: CCWH_INGEST_WORKERS, 2), each on its own
    cursor of the one DuckDB connection, the largest first; the files of a source load in name
    order as before, and the results come back in `SOURCES` order (DECISIONS.md D215).
    """
    landing_dir = Path(landing_dir)
    workers = settings().ingest_workers if workers is None else workers
    con = connect(warehouse_path)
    try:
        if workers <= 1:
            loaded = [load_source(con, landing_dir, source, accept=accept) for source in SOURCES]
            return [r for results in loaded for r in results]

        def load(source: str) -> list[FileResult]:
            cursor = con.cursor()
            try:
                return load_source(cursor, landing_dir, source, accept=accept)
            finally:
                cursor.close()

        largest_first = sorted(SOURCES, key=lambda s: -_source_bytes(landing_dir, s))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
            loads = {source: pool.submit(load, source) for source in largest_first}
        return [r for source in SOURCES for r in loads[source].result()]
    finally:
        con.close()


def _source_bytes(landing_dir: Path, source: str) -> int:
    """The bytes of a source's files: its share of the work, to start the largest first."""
    total = 0
    for path in discover(landing_dir, source):
        try:
            total += path.stat().st_size
        except OSError:
            pass  # load_file reports it
    return total
