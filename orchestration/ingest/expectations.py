"""Great Expectations suites for the raw tables: the extract contract, as code.

Ingestion guarantees types and lineage (a value that does not parse, a required field that is
empty, an impossible duration: the row is quarantined); these suites check what a file can be
and still be wrong: required values missing, values out of range, unknown enumerations, and its
*volume* against the recent history of its source in the file ledger (`VolumeRule`).

The suite is the contract of each file: `check_file_contract` runs it on the rows a file is
about to load, before they are committed, and a file that breaks it is *rejected* by the
pipeline (its rows go to the quarantine with the failed expectations; the other files load).
`validate_raw` runs the same suites on what a raw table holds (or some files of it).

The suites are GX objects; they are evaluated as set-based SQL in DuckDB (`contract_sql`,
one aggregate query per suite and file, DECISIONS.md D140), or, for an expectation with no
SQL form there (or CCWH_CONTRACT_ENGINE=pandas), by GX itself with an ephemeral context on a
pandas DataFrame, so no GE project folder is needed. Great Expectations takes seconds to
import, so it is imported inside the functions that need it, never at module load, and once
per process: the CLI and the Dagster code location stay fast to start.
"""

from __future__ import annotations

import math
import os
import statistics
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import duckdb

from .extracts import EXTRACTS, extract_suite
from .files import name_day
from .schema import AGENTS, CDR, CONTACT_TRACE_RECORDS, MAPPED_CONTACTS, QUEUE_LOG, RAW_TABLES

if TYPE_CHECKING:
    import great_expectations as gx

# Ingestion loads two sources at once (D215): the first import of Great Expectations, seconds
# long, is taken by one thread while the other waits, and GX's own pandas engine (an
# ephemeral context per file) runs one file at a time.
_GX_LOCK = threading.Lock()

DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION")
EARLIEST_EVENT = datetime(2000, 1, 1)
FUTURE_TOLERANCE = timedelta(days=1)


def queue_log_suite(now: datetime | None = None) -> gx.ExpectationSuite:
    """raw_asterisk.queue_log: required fields, event names, and event times that make sense."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    now = now or datetime.now(UTC).replace(tzinfo=None)
    return gx.ExpectationSuite(
        name="raw_asterisk.queue_log",
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(
                column_set=QUEUE_LOG.all_column_names, exact_match=False
            ),
            *(gxe.ExpectColumnValuesToNotBeNull(column=c) for c in ("event", "event_at", "callid")),
            gxe.ExpectColumnValuesToMatchRegex(column="event", regex=r"^[A-Z_]+$"),
            gxe.ExpectColumnValuesToBeBetween(
                column="event_at", min_value=EARLIEST_EVENT, max_value=now + FUTURE_TOLERANCE
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="source_format", value_set=["file", "realtime_table"]
            ),
        ],
    )


def cdr_suite() -> gx.ExpectationSuite:
    """raw_asterisk.cdr: start and disposition present, durations consistent."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="raw_asterisk.cdr",
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(column_set=CDR.all_column_names, exact_match=False),
            gxe.ExpectColumnValuesToNotBeNull(column="call_start"),
            gxe.ExpectColumnValuesToNotBeNull(column="disposition"),
            gxe.ExpectColumnValuesToBeInSet(column="disposition", value_set=list(DISPOSITIONS)),
            gxe.ExpectColumnValuesToBeBetween(column="duration", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="billsec", min_value=0),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="duration",
                column_B="billsec",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            gxe.ExpectColumnValuesToBeInSet(column="source_format",
                                            value_set=["cdr_csv", "header_named"]),
            # the column count is fixed for cdr_csv only; a header-named export has its own
            gxe.ExpectColumnValuesToBeInSet(
                column="column_count",
                value_set=[18, 21],
                row_condition='source_format == "cdr_csv"',
                condition_parser="pandas",
            ),
        ],
    )  # fmt: skip


def agents_suite() -> gx.ExpectationSuite:
    """raw_roster.agents: one row per agent id, leave date not before hire date."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="raw_roster.agents",
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(column_set=AGENTS.all_column_names, exact_match=False),
            gxe.ExpectColumnValuesToNotBeNull(column="agent_id"),
            gxe.ExpectColumnValuesToBeUnique(column="agent_id"),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="leave_date",
                column_B="hire_date",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ],
    )


CTR_CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
CTR_INITIATION_METHODS = (
    "INBOUND", "OUTBOUND", "TRANSFER", "QUEUE_TRANSFER", "CALLBACK", "API", "DISCONNECT",
    "MONITOR", "EXTERNAL_OUTBOUND", "WEBRTC_API", "AGENT_REPLY", "FLOW", "CAMPAIGN_PREVIEW",
)  # fmt: skip
EARLIEST_CTR = datetime(2017, 1, 1)  # Amazon Connect opened in 2017


def ctr_suite(now: datetime | None = None) -> gx.ExpectationSuite:
    """raw_amazon_connect.contact_trace_records: the fields staging and the marts rely on."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    now = now or datetime.now(UTC).replace(tzinfo=None)
    durations = ("queue_duration_seconds", "agent_interaction_seconds",
                 "agent_customer_hold_seconds", "agent_acw_seconds")  # fmt: skip
    return gx.ExpectationSuite(
        name="raw_amazon_connect.contact_trace_records",
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(
                column_set=CONTACT_TRACE_RECORDS.all_column_names, exact_match=False
            ),
            *(
                gxe.ExpectColumnValuesToNotBeNull(column=c)
                for c in ("contact_id", "channel", "initiation_at", "last_update_at")
            ),
            gxe.ExpectColumnValuesToBeInSet(column="channel", value_set=list(CTR_CHANNELS)),
            gxe.ExpectColumnValuesToBeInSet(
                column="initiation_method", value_set=list(CTR_INITIATION_METHODS)
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="initiation_at", min_value=EARLIEST_CTR, max_value=now + FUTURE_TOLERANCE
            ),
            *(gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in durations),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="disconnect_at",
                column_B="initiation_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="last_update_at",
                column_B="initiation_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ],
    )


def mapped_contacts_suite() -> gx.ExpectationSuite:
    """raw_mapped.contacts: ingestion enforces the canonical shape; the suite re-checks it and
    catches what a row alone cannot show: a mapping whose contact id is not unique (two
    source rows of one file with the same id would be counted once)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from .mapping import ENUMERATIONS

    return gx.ExpectationSuite(
        name="raw_mapped.contacts",
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(
                column_set=MAPPED_CONTACTS.all_column_names, exact_match=False
            ),
            *(
                gxe.ExpectColumnValuesToNotBeNull(column=c)
                for c in ("source_name", "contact_id", "outcome", "mapping_sha256")
            ),
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["source_name", "contact_id", "_file_name"]
            ),
            *(
                gxe.ExpectColumnValuesToBeInSet(column=c, value_set=list(ENUMERATIONS[c]))
                for c in ("channel", "direction", "outcome")
            ),
            gxe.ExpectColumnValuesToBeInSet(column="time_basis", value_set=["local", "utc"]),
            *(
                gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0)
                for c in ("wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds")
            ),
        ],
    )


SUITES: dict[str, Callable[[], gx.ExpectationSuite]] = {
    "asterisk_queue_log": queue_log_suite,
    "asterisk_cdr": cdr_suite,
    "roster_agents": agents_suite,
    "amazon_connect_ctr": ctr_suite,
    "mapped_contacts": mapped_contacts_suite,
    **{source: extract_suite(spec) for source, spec in EXTRACTS.items()},
}


@dataclass
class ValidationResult:
    """A suite's outcome, JSON-able: overall success, GE's statistics, and per expectation its
    success and unexpected counts (`to_dict` for asset-check metadata)."""

    source: str
    table: str
    file_names: list[str] | None
    row_count: int
    success: bool
    statistics: dict[str, Any]
    results: list[dict[str, Any]] = field(default_factory=list)
    # what the suite could not check and why (e.g. volume without history)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.results if not r["success"]]

    def describe_failures(self, max_values: int = 3) -> str:
        """The failed expectations in one line, for the ledger and the quarantine."""
        return "; ".join(_describe(r, max_values) for r in self.failures)


def _describe(r: dict[str, Any], max_values: int) -> str:
    name = r["expectation"] + (f"({r['column']})" if r.get("column") else "")
    if r.get("exception"):
        return f"{name}: could not be evaluated: {r['exception']}"
    if r["expectation"] == "expect_table_row_count_to_be_between":
        kwargs = r.get("kwargs", {})
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        expected = f"at least {low}" if high is None else f"{low} to {high}"
        text = f"{name}: {r.get('observed_value')} row(s), expected {expected}"
        return text + (f" ({r['volume_baseline']})" if r.get("volume_baseline") else "")
    if r.get("unexpected_count") is not None:
        values = [v for v in r.get("partial_unexpected_list") or [] if v is not None]
        shown = ", ".join(repr(_plain(v)) for v in values[:max_values])
        return f"{name}: {r['unexpected_count']} of {r.get('element_count')} row(s) unexpected" + (
            f", e.g. {shown}" if shown else ""
        )
    return f"{name}: observed {r.get('observed_value')!r}"


def _plain(value: Any) -> Any:
    """A value as a reader expects it (GE hands back timestamps and dicts of column pairs)."""
    if isinstance(value, dict):
        return tuple(_plain(v) for v in value.values())
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return value


# --- volume against history -------------------------------------------------------------------


@dataclass(frozen=True)
class VolumeRule:
    """A file's rows compared with the recent files of its source in the ledger.

    The baseline is the median rows loaded per file over the latest `history_files` files of
    the same source (their current versions; a mapped source: the same folder). A daily file
    (a date in its name) is compared with the files of the same weekday when at least
    `min_history_files` of them are in the ledger, so that weekend files are not read as
    incomplete weekday files (DECISIONS.md D203); otherwise with the latest files of every
    day. A file with fewer rows than `min_ratio` x the baseline or more than `max_ratio` x it
    breaks its contract. With fewer than `min_history_files` earlier files the volume is not
    checked (a note says so). Each value can be set in the environment: CCWH_VOLUME_MIN_RATIO
    (default 0.1), CCWH_VOLUME_MAX_RATIO (5), CCWH_VOLUME_HISTORY_FILES (14),
    CCWH_VOLUME_MIN_HISTORY (3); CCWH_VOLUME_CHECK=0 turns the check off.
    """

    min_ratio: float = 0.1
    max_ratio: float = 5.0
    history_files: int = 14
    min_history_files: int = 3
    enabled: bool = True

    @classmethod
    def from_env(cls) -> VolumeRule:
        env = os.environ

        def number(name: str, default: float, kind: type = float) -> Any:
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                return default
            try:
                return kind(raw)
            except ValueError as exc:
                raise ValueError(f"{name}={raw!r} is not a {kind.__name__}") from exc

        return cls(
            min_ratio=number("CCWH_VOLUME_MIN_RATIO", cls.min_ratio),
            max_ratio=number("CCWH_VOLUME_MAX_RATIO", cls.max_ratio),
            history_files=number("CCWH_VOLUME_HISTORY_FILES", cls.history_files, int),
            min_history_files=number("CCWH_VOLUME_MIN_HISTORY", cls.min_history_files, int),
            enabled=env.get("CCWH_VOLUME_CHECK", "1").strip().lower() not in ("0", "false", "no"),
        )


# sources whose files are not comparable by size, and why
VOLUME_NOT_COMPARABLE: dict[str, str] = {
    "amazon_connect_ctr": (
        "Firehose delivers contact trace records in objects of whatever size its buffer held, "
        "so files are not comparable by size"
    ),
}


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class VolumeBaseline:
    """The expected row range of a file, or why there is none (`note`)."""

    min_rows: int | None
    max_rows: int | None
    median: float | None
    history: int
    note: str


def volume_baseline(
    con: duckdb.DuckDBPyConnection, source: str, file_name: str, rule: VolumeRule
) -> VolumeBaseline:
    """The row range a file of `source` is expected to have, from the ledger's history."""
    if not rule.enabled:
        return VolumeBaseline(None, None, None, 0, "volume not checked: CCWH_VOLUME_CHECK=0")
    why = VOLUME_NOT_COMPARABLE.get(source) or getattr(
        EXTRACTS.get(source), "volume_not_comparable", None
    )
    if why:
        return VolumeBaseline(None, None, None, 0, f"volume not checked: {why}")
    scope, where, params = f"source {source}", "", [source]
    if source == "mapped_contacts" and file_name.count("/") >= 2:
        folder = file_name.rsplit("/", 1)[0] + "/"
        scope, where = f"folder {folder}", "AND starts_with(file_name, ?)"
        params.append(folder)
    # enough of the latest files to find `history_files` of the same weekday (one a week)
    latest = con.execute(
        f"""
        WITH current_versions AS (
            SELECT file_name, rows_loaded, loaded_at,
                   row_number() OVER (PARTITION BY file_name ORDER BY loaded_at DESC) AS n
            FROM raw_ingest.file_ledger
            WHERE source = ? AND status IN ('loaded', 'replaced') {where}
        )
        SELECT file_name, rows_loaded FROM current_versions WHERE n = 1
        ORDER BY loaded_at DESC, file_name DESC LIMIT ?
        """,
        [*params, rule.history_files * 7],
    ).fetchall()
    rows = [int(r) for _, r in latest[: rule.history_files]]
    day = name_day(file_name)
    if day is not None:
        same_weekday = [
            int(r)
            for f, r in latest
            if (d := name_day(f)) is not None and d.weekday() == day.weekday()
        ][: rule.history_files]
        if len(same_weekday) >= rule.min_history_files:
            rows = same_weekday
            scope = f"{scope} on a {WEEKDAYS[day.weekday()]}"
    if len(rows) < rule.min_history_files:
        return VolumeBaseline(
            None, None, None, len(rows),
            f"volume not checked: {len(rows)} earlier file(s) of {scope} in the ledger, "
            f"{rule.min_history_files} needed for a baseline",
        )  # fmt: skip
    median = float(statistics.median(rows))
    if median <= 0:
        return VolumeBaseline(
            None, None, median, len(rows),
            f"volume not checked: the median of the last {len(rows)} files of {scope} is 0 rows",
        )  # fmt: skip
    low, high = math.ceil(median * rule.min_ratio), math.floor(median * rule.max_ratio)
    return VolumeBaseline(
        low, high, median, len(rows),
        f"{rule.min_ratio:.0%} to {rule.max_ratio:.0%} of the median {median:,.0f} rows of the "
        f"last {len(rows)} files of {scope}",
    )  # fmt: skip


def _summarize(result: dict[str, Any]) -> dict[str, Any]:
    config = result.get("expectation_config", {})
    kwargs = {k: v for k, v in config.get("kwargs", {}).items() if k != "batch_id"}
    detail = result.get("result", {}) or {}
    exception = result.get("exception_info", {}) or {}
    return {
        "expectation": config.get("type"),
        "column": kwargs.get("column")
        or ", ".join(str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs)
        or None,
        "kwargs": kwargs,
        "success": bool(result.get("success")),
        "element_count": detail.get("element_count"),
        "unexpected_count": detail.get("unexpected_count"),
        "unexpected_percent": detail.get("unexpected_percent"),
        "missing_count": detail.get("missing_count"),
        "partial_unexpected_list": detail.get("partial_unexpected_list"),
        "observed_value": detail.get("observed_value"),
        "exception": exception.get("exception_message") if exception.get("raised_exception")
        else None,
    }  # fmt: skip


@dataclass(frozen=True)
class Rows:
    """The rows a suite checks, as SQL: `sql` a table or a parenthesised SELECT (with its
    `params`), `columns` its columns, `order_by` the order of the rows (of the file's lines)."""

    sql: str
    columns: list[str]
    order_by: str
    params: list[Any] = field(default_factory=list)


# which engine evaluates the suites: "sql" (DuckDB, contract_sql) or "pandas" (GX's own)
ENGINE_ENV = "CCWH_CONTRACT_ENGINE"


def validate_raw(
    con: duckdb.DuckDBPyConnection, source: str, file_names: list[str] | None = None
) -> ValidationResult:
    """Run the source's suite on its raw table, or on the rows of `file_names` only."""
    if source not in SUITES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SUITES)}")
    table = RAW_TABLES[source]
    sql = f"SELECT * FROM {table.qualified}"
    params: list[Any] = []
    if file_names is not None:
        sql += " WHERE _file_name IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(file_names))
    rows = Rows(f"({sql})", table.all_column_names, "_file_name, _row_number", params)
    return validate_rows(con, source, rows, file_names)


def validate_rows(
    con: duckdb.DuckDBPyConnection,
    source: str,
    rows: Rows,
    file_names: Sequence[str] | None = None,
    extra: Sequence[Any] = (),
    notes: Sequence[str] = (),
) -> ValidationResult:
    """Run the source's suite, plus `extra` expectations, on rows in DuckDB.

    The suite is evaluated as set-based SQL (`contract_sql`, DECISIONS.md D140); a suite with
    an expectation that has no SQL form there, or CCWH_CONTRACT_ENGINE=pandas, is validated by
    GX's pandas engine on the rows fetched as a DataFrame, as before.
    """
    if source not in SUITES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SUITES)}")
    from . import contract_sql

    suite = _suite(source, extra)
    if os.environ.get(ENGINE_ENV, "sql").strip().lower() != "pandas":
        try:
            success, stats, results, total = contract_sql.evaluate_suite(
                con, rows.sql, rows.columns, suite, rows.order_by, rows.params
            )
        except contract_sql.Unsupported:
            pass
        else:
            return ValidationResult(
                source=source,
                table=RAW_TABLES[source].qualified,
                file_names=None if file_names is None else list(file_names),
                row_count=total,
                success=success,
                statistics=stats,
                results=results,
                notes=list(notes),
            )
    frame = con.execute(f"SELECT * FROM {rows.sql} AS r ORDER BY {rows.order_by}", rows.params).df()
    return validate_frame(source, frame, file_names, extra, notes)


def _suite(source: str, extra: Sequence[Any] = ()) -> gx.ExpectationSuite:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    suite = SUITES[source]()
    if extra:
        suite = gx.ExpectationSuite(name=suite.name, expectations=[*suite.expectations, *extra])
    return suite


def validate_frame(
    source: str,
    frame: Any,
    file_names: Sequence[str] | None = None,
    extra: Sequence[Any] = (),
    notes: Sequence[str] = (),
) -> ValidationResult:
    """Run the source's suite, plus `extra` expectations, on a DataFrame of raw-table rows."""
    if source not in SUITES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SUITES)}")
    table = RAW_TABLES[source]
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    with _GX_LOCK:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        batch = (
            context.data_sources.add_pandas("raw")
            .add_dataframe_asset(table.qualified)
            .add_batch_definition_whole_dataframe("rows")
            .get_batch(batch_parameters={"dataframe": frame})
        )
        suite = _suite(source, extra)
        outcome = batch.validate(suite, result_format="SUMMARY").to_json_dict()
    return ValidationResult(
        source=source,
        table=table.qualified,
        file_names=None if file_names is None else list(file_names),
        row_count=len(frame),
        success=bool(outcome["success"]),
        statistics=dict(outcome.get("statistics", {})),
        results=[_summarize(r) for r in outcome.get("results", [])],
        notes=list(notes),
    )


def check_file_contract(
    con: duckdb.DuckDBPyConnection,
    source: str,
    file_name: str,
    rows: Rows | Any,
    rule: VolumeRule | None = None,
    data_rows: int = 0,
) -> ValidationResult:
    """The contract of one file: its source's suite on the rows it is about to load (`rows`:
    SQL over the staged file, or a DataFrame), and its row count against the history of its
    source (`volume_baseline`).

    `data_rows`: the file's rows that are not blank lines. A file with data of which no row
    loads breaks its contract even without history (every line is in the quarantine: a file
    of another layout, a schema that drifted).
    """
    with _GX_LOCK:
        import great_expectations.expectations as gxe

    rule = rule or VolumeRule.from_env()
    baseline = volume_baseline(con, source, file_name, rule)
    extra, notes, why = [], [], baseline.note
    low, high = baseline.min_rows, baseline.max_rows
    if data_rows > 0 and (low is None or low < 1):
        low = 1
        if baseline.min_rows is None:
            why = f"the file has {data_rows} row(s) of data: at least one must load"
    if low is not None:
        extra.append(gxe.ExpectTableRowCountToBeBetween(min_value=low, max_value=high))
    if baseline.min_rows is None:
        notes.append(baseline.note)
    if isinstance(rows, Rows):
        result = validate_rows(con, source, rows, [file_name], extra, notes)
    else:  # a DataFrame
        result = validate_frame(source, rows, [file_name], extra, notes)
    for r in result.results:
        if r["expectation"] == "expect_table_row_count_to_be_between":
            r["volume_baseline"] = why
    return result
