"""The one Dagster `Definitions` of the warehouse: ingest → dbt → report site → publish.

`make serve` opens it in the Dagster UI; `ccwh run` executes the `main` job in process
(the multi-process executor costs ~10 s per step on a small machine). `ingest_daily` is the
daily partitioned path of the Asterisk files (one partition per day in the file name), and
`landing_sensor` (stopped by default: orchestration/sensors.py) runs one job or the other when
files land.
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import dbt_models, dbt_planning_models, dbt_project
from orchestration.assets.ingest import (
    daily_ingest_assets,
    daily_partitions,
    ingest_assets,
    ingest_checks,
)
from orchestration.assets.planning import build_planning_schedule, planning_forecasts
from orchestration.assets.publish import bi_exports, dbt_docs
from orchestration.assets.site import report_site
from orchestration.dbt_cli import dbt_executable
from orchestration.resources import WarehouseResource
from orchestration.sensors import build_landing_sensor

DAILY = dg.AssetSelection.groups("ingest_daily")
# dbt's tests of the ingestion ledger's tables (sources written by every ingestion asset, not
# assets themselves): selected with the rest, so that dbt runs the whole project as one build
# rather than a subset named node by node
LEDGER_CHECKS = dg.AssetSelection.checks_for_assets(
    dg.AssetKey(["raw_ingest", "file_ledger"]), dg.AssetKey(["raw_ingest", "quarantine"])
)

main_job = dg.define_asset_job(
    "main",
    selection=(dg.AssetSelection.all() - DAILY) | LEDGER_CHECKS,
    description=(
        "Load every new landing file, build and test every dbt model, build the site, publish "
        "the marts for BI tools and the dbt docs."
    ),
    executor_def=dg.in_process_executor,
)

ingest_daily_job = dg.define_asset_job(
    "ingest_daily",
    selection=DAILY.downstream(),
    partitions_def=daily_partitions,
    description=(
        "Load the Asterisk queue_log and CDR files of the partition's days (the day in the file "
        "name), then the raw tables (files without a day), the dbt models and the site "
        "downstream of them."
    ),
    executor_def=dg.in_process_executor,
)

planning_job = dg.define_asset_job(
    "planning",
    selection=dg.AssetSelection.assets(planning_forecasts).downstream(),
    description="Refresh the forecast snapshots and staffing, then the planning dbt models.",
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=[
        *ingest_assets,
        *daily_ingest_assets,
        dbt_models,
        planning_forecasts,
        dbt_planning_models,
        report_site,
        bi_exports,
        dbt_docs,
    ],
    asset_checks=ingest_checks,
    jobs=[main_job, ingest_daily_job, planning_job],
    schedules=[build_planning_schedule(planning_job)],
    sensors=[build_landing_sensor(main_job, ingest_daily_job)],
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
