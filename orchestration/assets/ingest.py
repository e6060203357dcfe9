"""Ingestion assets: one per raw table, each with its Great Expectations suite as a check.

Each asset loads every new or changed landing file of its source (a file already loaded
with the same sha256 is skipped), and reports what the file ledger recorded.
"""


import dagster as dg

from orchestration.ingest import connect, load_source, validate_raw
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
}


def _ingest_asset(source: str, key: list[str], description: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=key,
        group_name="ingest",
        kinds={"duckdb", "python"},
        description=description,
        name=None,
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        con = connect(warehouse.warehouse)
        try:
            results = load_source(con, warehouse.landing, source)
        finally:
            con.close()
        failed = [r for r in results if r.status == "failed"]
        for r in results:
            context.log.info(
                f"{r.file_name}: {r.status}, {r.rows_loaded} loaded, "
                f"{r.rows_quarantined} quarantined {r.message or ''}"
            )
        for r in failed:
            context.log.error(f"{r.file_name}: {r.message}")
        return dg.MaterializeResult(
            metadata={
                "files_seen": len(results),
                "files_loaded": sum(r.status in ("loaded", "replaced") for r in results),
                "files_unchanged": sum(r.status == "unchanged" for r in results),
                "files_failed": len(failed),
                "rows_loaded": sum(r.rows_loaded for r in results if r.status != "unchanged"),
                "rows_quarantined": sum(
                    r.rows_quarantined for r in results if r.status != "unchanged"
                ),
                "failed_files": dg.MetadataValue.json([r.file_name for r in failed]),
            }
        )

    return _asset


def _contract_check(source: str, key: list[str]) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(key),
        name="great_expectations_contract",
        description=f"Great Expectations suite of the {source} extract contract.",
        blocking=True,
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        con = connect(warehouse.warehouse)
        try:
            result = validate_raw(con, source)
        finally:
            con.close()
        payload = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        return dg.AssetCheckResult(
            passed=bool(result.success),
            metadata={"validation": dg.MetadataValue.json(payload)},
        )

    return _check


ingest_assets = [_ingest_asset(s, k, d) for s, (k, d) in RAW_ASSETS.items()]
ingest_checks = [_contract_check(s, k) for s, (k, _) in RAW_ASSETS.items()]
