"""The planning run: read history from the marts, backtest, forecast, staff, store snapshots.

One call of `refresh_forecasts(con)` (the Dagster asset `raw_planning/forecasts`, after the dbt
build) does, for every queue of the warehouse:

1. history = kpi_queue_interval (calls offered, handle seconds, calls handled per local
   interval); patience per queue from its abandons (Erlang A); shrinkage from the schedules
   (kpi_adherence_team_daily: planned + unplanned shrinkage, the center's pooled figure) or the
   default 30 % without schedules; service-level target and threshold from dim_queues;
2. the rolling-origin backtest of both models (forecast.py), which also chooses each queue's
   model; the backtest forecasts are stored as the snapshots they would have been, made at
   the origin's local midnight (run_kind 'backtest'), so that accuracy marts exist from the
   first run;
3. the production forecast of the next `horizon_days` days after the last day of history,
   both models, made at the run's time (run_kind 'production'); every run adds a snapshot;
4. staffing for every forecast row (staffing.py).

The table holds snapshots: a backtest origin computed again replaces its earlier rows; a
production run never replaces an earlier run's rows (accuracy is measured against the
forecast as it was when it was made).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd

from orchestration.ingest.schema import PLANNING_FORECASTS as FORECASTS
from orchestration.planning import erlang
from orchestration.planning.forecast import backtest, choose_models, forecast
from orchestration.planning.staffing import pooled_staffing, staffing_plan

DEFAULT_SHRINKAGE = 0.30
# Two queues are one staffing group when agents who answered both answered at least this
# share of either queue's calls (D150): an occasional overflow agent does not pool them.
SHARED_AGENT_SHARE = 0.10
MAX_OCCUPANCY = 0.85
HORIZON_DAYS = 14


def _history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.sql(
        """
        select queue_id, site_id, date_local,
            cast(extract(hour from interval_start_local) * 60
                 + extract(minute from interval_start_local) as integer) as minute,
            calls_offered as calls, handle_seconds, calls_handled as handled,
            wait_seconds_all - wait_seconds_answered as abandoned_wait_seconds,
            calls_abandoned, wait_seconds_answered
        from marts.kpi_queue_interval
        """
    ).df()


def _queues(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.sql(
        """
        select queue_id, site_id, coalesce(time_zone, 'UTC') as time_zone,
            coalesce(service_level_threshold_seconds, 20) as threshold_seconds,
            cast(coalesce(service_level_target, 0.8) as double) as service_level_target
        from marts.dim_queues
        """
    ).df()


def _shrinkage(con: duckdb.DuckDBPyConnection) -> float:
    try:
        row = con.sql(
            """
            select sum(planned_shrinkage_numerator + unplanned_shrinkage_numerator),
                sum(scheduled_seconds)
            from marts.kpi_adherence_team_daily
            """
        ).fetchone()
    except duckdb.Error:
        return DEFAULT_SHRINKAGE
    if not row or not row[1]:
        return DEFAULT_SHRINKAGE
    return float(min(0.9, max(0.0, row[0] / row[1])))


def staffing_groups(answered: pd.DataFrame, share: float = SHARED_AGENT_SHARE) -> dict[str, str]:
    """Queue -> staffing group id (its queues sorted and joined by '+'), from answered calls.

    `answered` has one row per queue and agent with `calls` answered. Queues q and r are
    linked when the agents who answered calls of both answered at least `share` of q's or of
    r's calls; groups are the connected components (a queue alone is its own group).
    """
    if answered.empty:
        return {}
    calls = answered.groupby("queue_id")["calls"].sum()
    by_agent = answered.pivot_table(
        index="agent_id", columns="queue_id", values="calls", aggfunc="sum", fill_value=0
    )
    parent = {q: q for q in calls.index}

    def root(q: str) -> str:
        while parent[q] != q:
            parent[q] = parent[parent[q]]
            q = parent[q]
        return q

    queues = sorted(calls.index)
    for i, q in enumerate(queues):
        for r in queues[i + 1 :]:
            both = (by_agent[q] > 0) & (by_agent[r] > 0)
            if not both.any():
                continue
            if (
                by_agent.loc[both, q].sum() >= share * calls[q]
                or by_agent.loc[both, r].sum() >= share * calls[r]
            ):
                parent[root(q)] = root(r)
    members: dict[str, list[str]] = {}
    for q in queues:
        members.setdefault(root(q), []).append(q)
    return {q: "+".join(group) for group in members.values() for q in group}


def _answered_by_agent(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    try:
        return con.sql(
            """
            select queue_id, agent_id, count(*) as calls
            from marts.fct_contacts
            where channel = 'voice' and is_answered and agent_id is not null
                and queue_id is not null
            group by 1, 2
            """
        ).df()
    except duckdb.Error:
        return pd.DataFrame(columns=["queue_id", "agent_id", "calls"])


def _interval_minutes(con: duckdb.DuckDBPyConnection) -> int:
    try:
        row = con.sql(
            "select min(datediff('minute', a, b)) from (select interval_start_local as a, "
            "lead(interval_start_local) over (partition by queue_id, date_local order by "
            "interval_start_local) as b from marts.kpi_queue_interval) where b > a"
        ).fetchone()
    except duckdb.Error:
        return 30
    return int(row[0]) if row and row[0] else 30


def _to_utc(local: pd.Series, time_zone: pd.Series) -> pd.Series:
    """Local wall times to naive UTC; the repeated autumn hour takes its first occurrence."""
    out = pd.Series(pd.NaT, index=local.index, dtype="datetime64[ns]")
    for tz, idx in local.groupby(time_zone).groups.items():
        stamps = pd.DatetimeIndex(local.loc[idx])
        utc = (
            stamps.tz_localize(
                tz, ambiguous=np.ones(len(stamps), dtype=bool), nonexistent="shift_forward"
            )
            .tz_convert("UTC")
            .tz_localize(None)
        )
        out.loc[idx] = utc
    return out


def _staff(rows: pd.DataFrame, interval_seconds: int) -> pd.DataFrame:
    plan = staffing_plan(
        rows["forecast_calls"].to_numpy(float),
        rows["forecast_aht_seconds"].fillna(0.0).to_numpy(float),
        interval_seconds,
        rows["service_level_target"].to_numpy(float),
        rows["threshold_seconds"].to_numpy(float),
        max_occupancy=rows["max_occupancy"].to_numpy(float),
        patience_seconds=rows["patience_seconds"].to_numpy(float),
        shrinkage=rows["shrinkage"].to_numpy(float),
    )
    rows = rows.copy()
    rows["offered_load"] = plan.offered_load
    rows["required_agents"] = plan.required_agents
    rows["required_agents_erlang_a"] = plan.required_agents_erlang_a
    rows["scheduled_agents_needed"] = plan.scheduled_agents_needed
    rows["predicted_service_level"] = plan.predicted_service_level
    rows["predicted_service_level_erlang_a"] = plan.predicted_service_level_erlang_a
    rows["trunks_required"] = plan.trunks_required
    return _staff_groups(rows, interval_seconds)


def _wide(cells: pd.DataFrame, grid: pd.DataFrame, column: str, fill: float) -> np.ndarray:
    """One column of `cells` as a queue x interval array on the grid's axes."""
    table = cells.pivot_table(
        index="queue_id", columns="interval_start_at", values=column, aggfunc="first"
    )
    return table.reindex(index=grid.index, columns=grid.columns).fillna(fill).to_numpy(float)


def _staff_groups(rows: pd.DataFrame, interval_seconds: int) -> pd.DataFrame:
    """Pooled Erlang C per staffing group, run and interval, on the chosen models' rows.

    The queues of a group are pooled (staffing.pooled_staffing) and each row gets its load
    share of the group's agents; a queue alone gets its own Erlang C. Rows of the models not
    chosen keep NULL group columns (the plan is made with the chosen forecasts).
    """
    rows = rows.copy()
    for column in ("group_required_agents", "group_scheduled_agents_needed"):
        rows[column] = np.nan
    rows["group_predicted_service_level"] = np.nan
    chosen = rows[rows["is_selected"]]
    if chosen.empty:
        return rows
    queues = sorted(chosen["queue_id"].unique())
    for _, cells in chosen.groupby(["run_id", "staffing_group_id", "shrinkage"], sort=False):
        grid = cells.pivot_table(
            index="queue_id", columns="interval_start_at", values="forecast_calls", aggfunc="sum"
        )
        members = [q for q in queues if q in grid.index]
        grid = grid.reindex(members)

        pool = pooled_staffing(
            grid.fillna(0.0).to_numpy(float),
            _wide(cells, grid, "forecast_aht_seconds", 0.0),
            interval_seconds,
            _wide(cells, grid, "service_level_target", 0.8),
            _wide(cells, grid, "threshold_seconds", 20.0),
            max_occupancy=float(cells["max_occupancy"].iloc[0]),
            shrinkage=float(cells["shrinkage"].iloc[0]),
        )
        out = pd.DataFrame(
            {
                "queue_id": np.repeat(grid.index.to_numpy(), grid.shape[1]),
                "interval_start_at": np.tile(grid.columns.to_numpy(), grid.shape[0]),
                "group_required_agents": pool.required_agents_share.ravel(),
                "group_scheduled_agents_needed": pool.scheduled_agents_needed_share.ravel(),
                "group_predicted_service_level": pool.predicted_service_level.ravel(),
            }
        ).set_index(["queue_id", "interval_start_at"])
        index = cells.set_index(["queue_id", "interval_start_at"]).index
        for column in out.columns:
            rows.loc[cells.index, column] = out[column].reindex(index).to_numpy()
    return rows


def refresh_forecasts(
    con: duckdb.DuckDBPyConnection,
    *,
    now: datetime | None = None,
    horizon_days: int = HORIZON_DAYS,
    holidays: Collection[date] = (),
) -> dict[str, object]:
    """Backtest, forecast and staff every queue; write the snapshots. Returns a summary."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {FORECASTS.schema}")
    con.execute(FORECASTS.ddl())
    made_now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    history = _history(con)
    if history.empty:
        return {"rows": 0, "queues": 0, "models": {}, "backtest_wape": {}}
    queues = _queues(con)
    interval = _interval_minutes(con)
    shrinkage = _shrinkage(con)

    patience_inputs = history.groupby("queue_id")[
        ["abandoned_wait_seconds", "calls_abandoned", "wait_seconds_answered"]
    ].sum()
    patience = pd.Series(
        erlang.estimate_patience_seconds(
            patience_inputs["abandoned_wait_seconds"].clip(lower=0).to_numpy(float),
            patience_inputs["calls_abandoned"].to_numpy(float),
            patience_inputs["wait_seconds_answered"].to_numpy(float),
        ),
        index=patience_inputs.index,
        name="patience_seconds",
    )

    bt_forecasts, scores = backtest(history, holidays=holidays)
    chosen = choose_models(scores)
    last_day = max(pd.to_datetime(history["date_local"]).dt.date)
    targets = [last_day + timedelta(days=k) for k in range(1, horizon_days + 1)]
    production = pd.concat(
        [forecast(m, history, targets, holidays) for m in ("seasonal_naive", "profile_smoothing")],
        ignore_index=True,
    )
    production["origin"] = targets[0]
    production["run_kind"] = "production"
    parts = [production]
    if not bt_forecasts.empty:
        bt = bt_forecasts.dropna(subset=["forecast_aht"]).copy()
        bt["run_kind"] = "backtest"
        parts.append(bt)
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.merge(queues, on="queue_id", how="left")
    rows["time_zone"] = rows["time_zone"].fillna("UTC")
    rows["threshold_seconds"] = rows["threshold_seconds"].fillna(20).astype(int)
    rows["service_level_target"] = rows["service_level_target"].fillna(0.8)
    rows = rows.merge(patience, left_on="queue_id", right_index=True, how="left")
    rows["shrinkage"] = shrinkage
    groups = staffing_groups(_answered_by_agent(con))
    rows["staffing_group_id"] = rows["queue_id"].map(groups).fillna(rows["queue_id"])
    rows["max_occupancy"] = MAX_OCCUPANCY
    rows["forecast_aht_seconds"] = rows["forecast_aht"]
    rows["is_selected"] = rows["model"] == rows["queue_id"].map(chosen).fillna("profile_smoothing")
    rows["interval_start_local"] = pd.to_datetime(rows["date_local"]) + pd.to_timedelta(
        rows["minute"], unit="m"
    )
    rows["interval_start_at"] = _to_utc(rows["interval_start_local"], rows["time_zone"])
    origin_local = pd.to_datetime(rows["origin"])
    backtest_made = _to_utc(origin_local, rows["time_zone"])
    rows["made_at"] = np.where(rows["run_kind"] == "backtest", backtest_made, made_now)
    rows["made_at"] = pd.to_datetime(rows["made_at"])
    rows["origin_date"] = pd.to_datetime(rows["origin"]).dt.date
    rows["interval_minutes"] = interval
    rows = rows[rows["forecast_aht_seconds"].notna() | (rows["forecast_calls"] == 0)]
    run_id = f"planning-{made_now:%Y%m%dT%H%M%S}"
    rows["run_id"] = np.where(
        rows["run_kind"] == "backtest",
        "backtest-" + rows["origin_date"].astype(str),
        run_id,
    )
    rows = _staff(rows, interval * 60)

    rows["_file_name"] = "planning/" + rows["run_id"]
    rows["_file_sha256"] = hashlib.sha256(run_id.encode()).hexdigest()
    rows["_row_number"] = np.arange(1, len(rows) + 1)
    rows["_loaded_at"] = made_now
    columns = FORECASTS.all_column_names
    out = rows.loc[:, columns].reset_index(drop=True)
    # NaN (no estimate) is stored as NULL
    selected = [
        f"CASE WHEN isnan({c}) THEN NULL ELSE {c} END AS {c}"
        if dict(FORECASTS.columns).get(c) == "DOUBLE"
        else c
        for c in columns
    ]
    con.register("planning_new_rows", out)
    try:
        con.execute("BEGIN")
        con.execute(
            "DELETE FROM raw_planning.forecasts WHERE run_kind = 'backtest' AND origin_date IN "
            "(SELECT DISTINCT origin_date FROM planning_new_rows WHERE run_kind = 'backtest')"
        )
        con.execute(
            f"INSERT INTO raw_planning.forecasts ({', '.join(columns)}) "
            f"SELECT {', '.join(selected)} FROM planning_new_rows"
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("planning_new_rows")
    pooled = (
        scores.groupby(["queue_id", "model"])[["abs_error", "calls"]].sum()
        if not scores.empty
        else pd.DataFrame()
    )
    wape = (
        {f"{q}/{m}": round(float(r.abs_error / r.calls), 4) for (q, m), r in pooled.iterrows()}
        if not pooled.empty
        else {}
    )
    return {
        "rows": int(len(out)),
        "queues": int(rows["queue_id"].nunique()),
        "models": chosen,
        "backtest_wape": wape,
        "shrinkage": round(shrinkage, 4),
        "staffing_groups": sorted(set(groups.values())),
        "made_at": made_now.isoformat(),
    }
