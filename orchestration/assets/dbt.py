"""dbt models as Dagster assets (dagster-dbt); dbt tests become asset checks.

dbt sources map to the ingestion assets by their schema and table (`raw_asterisk/queue_log`),
so the lineage in the Dagster UI runs from landing files to KPI tables.
"""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from orchestration.config import PROJECT_DIR, dbt_profile_env, settings
from orchestration.dbt_cli import run_dbt

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


def ensure_manifest() -> None:
    """Parse the dbt project when the manifest is missing or older than any project file."""
    manifest = dbt_project.manifest_path
    sources = [
        p
        for folder in ("models", "macros", "seeds", "tests/dbt")
        for p in (PROJECT_DIR / folder).rglob("*")
        if p.is_file()
    ] + [PROJECT_DIR / "dbt_project.yml"]
    newest = max(p.stat().st_mtime for p in sources)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        run_dbt(["parse", "--quiet"], warehouse_path=settings().warehouse_path, quiet=True)


class WarehouseTranslator(DagsterDbtTranslator):
    """Sources are keyed by schema and table, so they join up with the ingestion assets."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["identifier"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


# Dagster's dbt resource passes the process environment to dbt: give it the profile values
# that run_dbt gives (the manifest parse below, the docs), or each invocation parses in full.
os.environ.update(dbt_profile_env())
ensure_manifest()


class DbtBuildConfig(dg.Config):
    """`full_refresh`: rebuild the incremental models from scratch (`ccwh run --full-refresh`)
    instead of reading only the landing files loaded since the last build (DECISIONS.md D60)."""

    full_refresh: bool = False


# The planning loop (models/**/planning, tag `planning_loop`) reads the forecasts that the
# Python planning asset writes after the marts are built (orchestration/assets/planning.py),
# so it is a second dbt step: dbt_models → raw_planning/forecasts → dbt_planning_models.
PLANNING_LOOP = "tag:planning_loop"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(
        settings=DagsterDbtTranslatorSettings(
            enable_asset_checks=True, enable_source_tests_as_checks=True
        )
    ),
    exclude=PLANNING_LOOP,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    """Seeds, staging, intermediate and mart models, with their tests as asset checks."""
    args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
    yield from dbt.cli(args, context=context).stream()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(
        settings=DagsterDbtTranslatorSettings(
            enable_asset_checks=True, enable_source_tests_as_checks=True
        )
    ),
    select=PLANNING_LOOP,
    name="dbt_planning_models",
)
def dbt_planning_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Forecast accuracy, plan vs actual and staffing marts, on the planning snapshots."""
    yield from dbt.cli(["build"], context=context).stream()
