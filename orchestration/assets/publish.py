"""Publishing, after the dbt build: the marts for BI tools, and the dbt docs in the site."""

import os
from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.assets.dbt import dbt_models, dbt_project
from orchestration.assets.site import report_site
from orchestration.config import settings
from orchestration.resources import WarehouseResource


def _mart_models() -> list[str]:
    """Names of the dbt models in models/marts (every one is published)."""
    import json

    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1:2] == ["marts"]
    )


MART_KEYS = [get_asset_key_for_model([dbt_models], name) for name in _mart_models()]


def postgres_mode() -> str:
    """CCWH_PUBLISH_POSTGRES: `auto` (default: reload the BI database when its server is
    running, i.e. after `make serve-bi`), `always` (start the server and load), `never`."""
    mode = os.environ.get("CCWH_PUBLISH_POSTGRES", "auto").strip().lower() or "auto"
    if mode not in ("auto", "always", "never"):
        raise ValueError(f"CCWH_PUBLISH_POSTGRES={mode!r}: use auto, always or never")
    return mode


def _load_postgres(warehouse: Path) -> tuple[bool, Path]:
    from orchestration.engines.postgres import PostgresServer

    server_dir = warehouse.parent / "postgres"
    mode = postgres_mode()
    if mode == "never":
        return False, server_dir
    if mode == "always":
        return True, server_dir
    try:
        return PostgresServer(server_dir).running(), server_dir
    except Exception:  # the binaries are not installed: nothing is running
        return False, server_dir


class PublishConfig(dg.Config):
    """`full_refresh`: write every Parquet file (`ccwh run --full-refresh`) instead of linking
    those whose rows did not change from the previous build (DECISIONS.md D213)."""

    full_refresh: bool = False


@dg.asset(
    key=["bi_exports"],
    group_name="publish",
    kinds={"duckdb", "parquet", "postgres"},
    deps=MART_KEYS,
    description=(
        "The marts for BI tools: a read-only DuckDB snapshot swapped in atomically, Parquet "
        "files per mart (facts by month) with a manifest, and, when the BI server runs "
        "(make serve-bi), the PostgreSQL database ccwh_bi."
    ),
)
def bi_exports(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: PublishConfig
):
    from orchestration.publish import PublishError, publish

    load_pg, server_dir = _load_postgres(warehouse.warehouse)
    result = publish(warehouse.warehouse, settings().publish_dir, full_refresh=config.full_refresh)
    if load_pg:
        from orchestration.publish.postgres_bi import publish_postgres

        try:
            result.postgres = publish_postgres(settings().publish_dir, server_dir)
        except PublishError as error:
            if postgres_mode() == "always":
                raise
            # `auto`: the snapshot and the Parquet are published; the BI server keeps the
            # previous build and says why (a BI session held the marts)
            context.log.warning(str(error))
    for line in result.summary_lines():
        context.log.info(line.strip())
    metadata = {
        "build_id": result.build.build_id,
        "snapshot": dg.MetadataValue.path(str(result.snapshot)),
        "parquet": dg.MetadataValue.path(str(result.parquet_dir)),
        "manifest": dg.MetadataValue.path(str(result.manifest)),
        "tables": dg.MetadataValue.json(result.tables),
        "parquet_files": result.parquet_files,
        "parquet_bytes": result.parquet_bytes,
        "parquet_files_linked": result.parquet_files_linked,
        "snapshot_bytes": result.snapshot_bytes,
        "seconds": dg.MetadataValue.json({k: round(v, 2) for k, v in result.seconds.items()}),
    }
    if result.postgres is not None:
        metadata["postgres"] = result.postgres.masked_url
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    key=["dbt_docs"],
    group_name="publish",
    kinds={"dbt", "html"},
    deps=[report_site, *MART_KEYS],
    description="dbt docs (static: lineage, column docs, KPI doc blocks) in the site's _dbt-docs/.",
)
def dbt_docs(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration.publish.dbt_docs import publish_dbt_docs

    docs = publish_dbt_docs(warehouse.warehouse, settings().site_dir)
    context.log.info(f"dbt docs in {docs.seconds:.1f} s: {docs.index}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(docs.index)),
            "size_bytes": docs.size_bytes,
            "seconds": round(docs.seconds, 1),
        }
    )
