"""The one Dagster `Definitions` of the warehouse: ingest → dbt → report site.

`make serve` opens it in the Dagster UI; `ccwh run` executes the `main` job in process
(the multi-process executor costs ~10 s per step on a small machine).
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import dbt_models, dbt_project
from orchestration.assets.ingest import ingest_assets, ingest_checks
from orchestration.assets.site import report_site
from orchestration.dbt_cli import dbt_executable
from orchestration.resources import WarehouseResource

main_job = dg.define_asset_job(
    "main",
    selection=dg.AssetSelection.all(),
    description="Load every new landing file, build and test every dbt model, build the site.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=[*ingest_assets, dbt_models, report_site],
    asset_checks=ingest_checks,
    jobs=[main_job],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.project_dir),
            dbt_executable=dbt_executable(),
        ),
    },
    executor=dg.in_process_executor,
)
