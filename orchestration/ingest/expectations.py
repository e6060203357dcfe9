"""Great Expectations suites for the raw tables: the extract contract, as code.

Ingestion guarantees types and lineage (a value that does not parse is quarantined); these
suites check what a row can be and still be wrong: required values missing, values out of range,
unknown enumerations. They run with an ephemeral context on a pandas DataFrame of the rows
(optionally only some files' rows), so no GE project folder is needed. Great Expectations takes
seconds to import, so it is imported inside the functions that need it, never at module load:
the CLI and the Dagster code location stay fast to start.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import duckdb

from .schema import AGENTS, CDR, CONTACT_TRACE_RECORDS, MAPPED_CONTACTS, QUEUE_LOG, RAW_TABLES

if TYPE_CHECKING:
    import great_expectations as gx

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.results if not r["success"]]


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
    frame = con.execute(sql + " ORDER BY _file_name, _row_number", params).df()

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
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
    outcome = batch.validate(SUITES[source](), result_format="SUMMARY").to_json_dict()
    return ValidationResult(
        source=source,
        table=table.qualified,
        file_names=None if file_names is None else list(file_names),
        row_count=len(frame),
        success=bool(outcome["success"]),
        statistics=dict(outcome.get("statistics", {})),
        results=[_summarize(r) for r in outcome.get("results", [])],
    )
