"""The report site: an Observable Framework build that reads the marts."""


import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.assets.dbt import dbt_models
from orchestration.config import settings
from orchestration.resources import WarehouseResource
from orchestration.site import build_site

SITE_SOURCES = ["kpi_queue_interval", "kpi_queue_daily", "kpi_agent_daily", "dim_queues"]


@dg.asset(
    key=["report_site"],
    group_name="publish",
    kinds={"html", "observable"},
    deps=[get_asset_key_for_model([dbt_models], name) for name in SITE_SOURCES],
    description="Static report site (reports/dist) built offline from the marts.",
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
