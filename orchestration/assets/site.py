"""The report site: an Observable Framework build that reads the marts."""

import json

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.assets.dbt import dbt_models, dbt_project
from orchestration.config import settings
from orchestration.resources import WarehouseResource
from orchestration.site import build_site


def site_sources() -> list[str]:
    """The marts the site reads: every KPI table (the family pages show any kpi_* model of the
    catalog), the dimensions, the data-quality marts and fct_contacts (channels)."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and (node["name"].startswith(("kpi_", "dim_", "dq_")) or node["name"] == "fct_contacts")
    )


SITE_SOURCES = site_sources()


@dg.asset(
    key=["report_site"],
    group_name="publish",
    kinds={"html", "observable"},
    deps=[get_asset_key_for_model([dbt_models], name) for name in SITE_SOURCES],
    description="Static report site (reports/dist, /en/ and /es/) built offline from the marts.",
)
def report_site(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    build = build_site(warehouse.warehouse, settings().site_dir)
    context.log.info(f"site built in {build.seconds:.1f} s: {build.out_dir}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(build.out_dir)),
            "pages": dg.MetadataValue.json(list(build.pages)),
            "size_bytes": build.size_bytes,
            "seconds": round(build.seconds, 1),
        }
    )
