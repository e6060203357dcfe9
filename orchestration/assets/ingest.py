"""Ingestion assets: one per raw table, each with its extract contract as a check.

Each asset loads every new or changed landing file of its source (a file already loaded
with the same sha256 is skipped), and reports what the file ledger recorded. Every file is
checked against its source's contract (the Great Expectations suite and the volume against the
ledger's history) before its rows are committed: a file that breaks it is *rejected* (its rows
go to the quarantine, the other files load). The asset check `great_expectations_contract`
reports the files of the source that stand rejected, with the failed expectations; it warns
and does not block, because the rejected rows never reached the raw table.

The Asterisk queue_log and CDR, which PBXs write one file per day, also have a daily
partitioned path (`ingest_daily` assets, `orchestration/sensors.py`).
"""

import warnings
from pathlib import Path

import dagster as dg

from orchestration.ingest import FileResult, connect, load_source
from orchestration.ingest.extracts import EXTRACTS
from orchestration.ingest.files import discover, name_day
from orchestration.resources import WarehouseResource

# source key → (asset key, description)
RAW_ASSETS: dict[str, tuple[list[str], str]] = {
    "asterisk_queue_log": (
        ["raw_asterisk", "queue_log"],
        "Asterisk queue_log events (file and realtime-table formats), one row per line.",
    ),
    "asterisk_cdr": (
        ["raw_asterisk", "cdr"],
        "Asterisk CDR rows in cdr_csv order (18 or 21 columns).",
    ),
    "roster_agents": (
        ["raw_roster", "agents"],
        "Agent roster: team, site, role, hire and leave dates.",
    ),
    "amazon_connect_ctr": (
        ["raw_amazon_connect", "contact_trace_records"],
        "Amazon Connect contact trace records (JSON, JSON lines, Firehose), one row per record.",
    ),
    "mapped_contacts": (
        ["raw_mapped", "contacts"],
        "Contacts of any other export (CSV, Excel, JSON) through its mapping file, one row per "
        "source row.",
    ),
    # business extracts (CRM, surveys, workforce, quality, HR, costs): declared specs
    **{s: ([x.schema, x.table], x.description) for s, x in EXTRACTS.items()},
}


def _report(context: dg.AssetExecutionContext, results: list[FileResult]) -> dict:
    """Log every file's outcome and return the materialization's metadata."""
    failed = [r for r in results if r.status == "failed"]
    rejected = [r for r in results if r.status == "rejected"]
    for r in results:
        context.log.info(
            f"{r.file_name}: {r.status}, {r.rows_loaded} loaded, "
            f"{r.rows_quarantined} quarantined {r.message or ''}"
        )
    for r in failed:
        context.log.error(f"{r.file_name}: {r.message}")
    for r in rejected:
        context.log.warning(f"{r.file_name}: {r.message}")
    written = [r for r in results if r.status not in ("unchanged", "rejected")] + [
        r for r in rejected if not r.message.startswith(f"{r.file_name}: still rejected")
    ]
    return {
        "files_seen": len(results),
        "files_loaded": sum(r.status in ("loaded", "replaced") for r in results),
        "files_unchanged": sum(r.status == "unchanged" for r in results),
        "files_failed": len(failed),
        "files_rejected": len(rejected),
        "rows_loaded": sum(r.rows_loaded for r in written),
        "rows_quarantined": sum(r.rows_quarantined for r in written),
        "failed_files": dg.MetadataValue.json([r.file_name for r in failed]),
        "rejected_files": dg.MetadataValue.json([r.file_name for r in rejected]),
    }


def _ingest_asset(source: str, key: list[str], description: str) -> dg.AssetsDefinition:
    deps = [dg.AssetKey(["ingest_daily", source])] if source in DAILY_SOURCES else []

    @dg.asset(
        key=key,
        group_name="ingest",
        kinds={"duckdb", "python"},
        description=description,
        deps=deps,
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        con = connect(warehouse.warehouse)
        try:
            results = load_source(con, warehouse.landing, source)
        finally:
            con.close()
        return dg.MaterializeResult(metadata=_report(context, results))

    return _asset


def rejected_files(con, source: str) -> list[tuple[str, str]]:
    """(file, message) of the files of `source` whose latest read was rejected."""
    return con.execute(
        """
        WITH attempts AS (
            SELECT file_name, status, message,
                   row_number() OVER (PARTITION BY file_name ORDER BY loaded_at DESC) AS n
            FROM raw_ingest.file_ledger
            WHERE source = ? AND status IN ('loaded', 'replaced', 'rejected')
        )
        SELECT file_name, message FROM attempts WHERE n = 1 AND status = 'rejected'
        ORDER BY file_name
        """,
        [source],
    ).fetchall()


def _contract_check(source: str, key: list[str]) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(key),
        name="great_expectations_contract",
        description=(
            f"Files of {source} that broke their contract (Great Expectations suite and volume "
            "against history) and stand rejected: their rows are in the quarantine, not in the "
            "raw table. Fix and deliver the file again, or `ccwh ingest --accept FILE`."
        ),
        blocking=False,
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        con = connect(warehouse.warehouse)
        try:
            rejected = rejected_files(con, source)
        finally:
            con.close()
        return dg.AssetCheckResult(
            passed=not rejected,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "rejected_files": len(rejected),
                "rejections": dg.MetadataValue.json(
                    [{"file": name, "message": message} for name, message in rejected]
                ),
            },
        )

    return _check


# --- the daily path: Asterisk files named by their day ----------------------------------------

# sources whose files carry their day in the name (queue_log-YYYYMMDD, Master-YYYYMMDD.csv)
DAILY_SOURCES = ("asterisk_queue_log", "asterisk_cdr")
DAILY_START = "2015-01-01"
# end_offset=1: today's file of a PBX whose day is ahead of UTC is already a partition
daily_partitions = dg.DailyPartitionsDefinition(start_date=DAILY_START, end_offset=1)


def file_day(path: Path | str) -> str | None:
    """The day in a file's name ('2024-01-27' for queue_log-20240127, Master-20240127.csv),
    or None when the name has no valid date after DAILY_START (the unpartitioned path)."""
    day = name_day(path)
    return day.isoformat() if day is not None and day.isoformat() >= DAILY_START else None


def _daily_asset(source: str) -> dg.AssetsDefinition:
    with warnings.catch_warnings():  # BackfillPolicy is "beta": one run per range of days
        warnings.simplefilter("ignore", dg.BetaWarning)
        return _build_daily_asset(source)


def _build_daily_asset(source: str) -> dg.AssetsDefinition:
    table = ".".join(RAW_ASSETS[source][0])

    @dg.asset(
        key=["ingest_daily", source],
        group_name="ingest_daily",
        kinds={"duckdb", "python"},
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        description=(
            f"The landing files of {source} for one day (the day in the file name) loaded into "
            f"{table}, through the same ledger and contract as the unpartitioned asset. Files "
            "without a day in their name are loaded by the unpartitioned asset."
        ),
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        days = set(context.partition_keys)
        files = [p for p in discover(warehouse.landing, source) if file_day(p) in days]
        con = connect(warehouse.warehouse)
        try:
            results = load_source(con, warehouse.landing, source, files=files)
        finally:
            con.close()
        metadata = _report(context, results)
        metadata["days"] = dg.MetadataValue.json(sorted(days))
        return dg.MaterializeResult(metadata=metadata)

    return _asset


ingest_assets = [_ingest_asset(s, k, d) for s, (k, d) in RAW_ASSETS.items()]
ingest_checks = [_contract_check(s, k) for s, (k, _) in RAW_ASSETS.items()]
daily_ingest_assets = [_daily_asset(s) for s in DAILY_SOURCES]
