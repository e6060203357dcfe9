"""Workforce planning assets: forecasts, backtest and staffing after the marts are built.

`raw_planning/forecasts` reads the queue and adherence marts, runs the rolling-origin backtest,
the production forecast and the Erlang staffing (orchestration/planning/snapshots.py) and
appends the snapshots to the warehouse; the planning dbt models (tag `planning_loop`) build on
it. `planning_daily` refreshes them every morning (created stopped, like the landing sensor).
"""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.assets.dbt import dbt_models
from orchestration.ingest import connect
from orchestration.resources import WarehouseResource

PLANNING_INPUTS = ["kpi_queue_interval", "dim_queues", "kpi_adherence_team_daily"]


@dg.asset(
    key=["raw_planning", "forecasts"],
    group_name="planning",
    kinds={"python", "duckdb"},
    deps=[get_asset_key_for_model([dbt_models], name) for name in PLANNING_INPUTS],
    description=(
        "Forecast snapshots per queue and interval (seasonal naive and profile smoothing, "
        "backtest and production) with Erlang C/A required agents, scheduled agents and trunks."
    ),
)
def planning_forecasts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration.planning.snapshots import refresh_forecasts

    con = connect(warehouse.warehouse)
    try:
        summary = refresh_forecasts(con)
    finally:
        con.close()
    context.log.info(f"planning: {summary}")
    return dg.MaterializeResult(
        metadata={
            "rows": summary["rows"],
            "queues": summary["queues"],
            "models": dg.MetadataValue.json(summary["models"]),
            "backtest_wape": dg.MetadataValue.json(summary["backtest_wape"]),
        }
    )


def build_planning_schedule(job) -> dg.ScheduleDefinition:
    """Every day at 06:00 (site time zone of the Dagster instance): refresh the forecasts."""
    return dg.ScheduleDefinition(
        name="planning_daily",
        job=job,
        cron_schedule="0 6 * * *",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Refresh the forecasts, staffing and planning marts every morning.",
    )
