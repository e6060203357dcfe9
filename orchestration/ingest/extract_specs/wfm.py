"""Workforce management: published agent schedules and the volume forecasts behind them."""

from orchestration.ingest.extracts import Column, ExtractSpec, register

ACTIVITIES = ("shift", "break", "lunch", "meeting", "training", "absence", "offline")

SCHEDULES = ExtractSpec(
    source="wfm_schedules",
    folder="wfm/schedules",
    schema="raw_wfm",
    table="schedules",
    description="the published agent schedules (WFM export)",
    columns=(
        Column("schedule_date", "date", required=True, doc="local day the shift belongs to"),
        Column("agent_id", required=True, doc="ACD agent (queue_log member name, Agent/1001)"),
        Column("agent_name", doc="agent's name in the WFM tool"),
        Column(
            "activity",
            required=True,
            values=ACTIVITIES,
            doc="shift (the whole login span) or a planned activity inside it",
        ),
        Column("start_time", "timestamp", required=True, doc="activity start (local + offset)"),
        Column("end_time", "timestamp", required=True, doc="activity end (local + offset)"),
        Column("published_at", "timestamp", doc="when this schedule was published"),
    ),
    key=("agent_id", "activity", "start_time"),
    ordered=(("end_time", "start_time"),),
)

FORECASTS = ExtractSpec(
    source="wfm_forecasts",
    folder="wfm/forecasts",
    schema="raw_wfm",
    table="forecasts",
    description="the published volume and AHT forecasts (WFM export)",
    columns=(
        Column("queue", required=True, doc="ACD queue name"),
        Column("interval_start", "timestamp", required=True, doc="interval start (local+offset)"),
        Column("interval_minutes", "int", required=True, min=5, max=60),
        Column("forecast_calls", "decimal", required=True, min=0, doc="offered calls expected"),
        Column("forecast_aht_seconds", "decimal", min=0, doc="average handle time expected"),
        Column("forecast_made_at", "timestamp", required=True, doc="when the forecast was made"),
        Column("forecast_version", doc="the WFM tool's name of the forecast"),
    ),
    key=("queue", "interval_start", "forecast_made_at"),
)

register(SCHEDULES, FORECASTS)
