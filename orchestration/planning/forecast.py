"""Forecast offered contacts and AHT per queue and local interval, and choose a model per queue.

Two models, both pure functions of a history table (one row per queue, local day and local
interval start minute with the calls offered, the handle seconds and the calls handled):

- ``seasonal_naive``: each interval gets the value of the same interval on the same weekday of
  the latest week in the history (the WFM baseline every accuracy figure is compared with);
- ``profile_smoothing``: the top-down method WFM tools use, made statistical. The *daily
  total* of a queue is an exponentially smoothed level (simple exponential smoothing of the
  deseasonalized daily totals, smoothing constant ``alpha``) times a weekday index (the mean
  ratio of each weekday's total to its week's mean, over the last ``weeks`` weeks); the
  *intraday shape* is the share of the day's calls each interval receives, pooled over the
  last ``weeks`` weeks and over every day of the same day type (Monday-Friday, Saturday,
  Sunday), which averages away the Poisson noise of single intervals that seasonal naive
  copies; AHT per interval is the handle seconds over the calls handled of the same pool,
  shrunk towards the queue's overall AHT when an interval handled few calls. Holidays
  (a collection of dates) are left out of the fit and forecast as ``holiday_factor`` x a
  normal day (0 when the center is closed).

Why not statsforecast (MSTL/TBATS): it is on PyPI, but it brings numba and its just-in-time
compilation (minutes on a small machine on every fresh process) for series this short (weeks
of 30-minute intervals, two nested seasonalities); the multiplicative day x shape model is the
standard WFM decomposition and is exact enough to beat seasonal naive clearly (DECISIONS.md D82).

``backtest`` runs a rolling-origin evaluation (an origin every Monday with at least one week of
history before it; forecast the next ``horizon_days`` days from the data before the origin) and
``choose_models`` picks, per queue, the model with the lower interval WAPE over all origins.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

MODELS = ("seasonal_naive", "profile_smoothing")
HISTORY_COLUMNS = ("queue_id", "date_local", "minute", "calls", "handle_seconds", "handled")
FORECAST_COLUMNS = ("queue_id", "date_local", "minute", "model", "forecast_calls", "forecast_aht")


def day_type(dates: pd.Series) -> pd.Series:
    """'weekday' (Monday-Friday), 'saturday' or 'sunday' for a Series of dates."""
    iso = pd.to_datetime(dates).dt.day_of_week + 1
    return pd.Series(
        np.where(iso <= 5, "weekday", np.where(iso == 6, "saturday", "sunday")), index=dates.index
    )


def _check(history: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in HISTORY_COLUMNS if c not in history.columns]
    if missing:
        raise ValueError(f"forecast history: missing column(s) {missing}; need {HISTORY_COLUMNS}")
    frame = history.loc[:, list(HISTORY_COLUMNS)].copy()
    frame["date_local"] = pd.to_datetime(frame["date_local"]).dt.date
    for col in ("calls", "handle_seconds", "handled"):
        frame[col] = pd.to_numeric(frame[col]).fillna(0.0).astype(float)
        if (frame[col] < 0).any():
            raise ValueError(f"forecast history: negative {col} in the history")
    frame["minute"] = frame["minute"].astype(int)
    return frame


def densify(history: pd.DataFrame) -> pd.DataFrame:
    """Every (queue, day, minute) a queue is open, with zeros where no call arrived.

    A queue's minutes on a day type are those it ever had a call in on that day type; days in
    the history without any row for a queue get zeros only if the queue had calls that day type.
    """
    frame = _check(history)
    if frame.empty:
        return frame
    frame["day_type"] = day_type(frame["date_local"])
    days = pd.DataFrame({"date_local": sorted(frame["date_local"].unique())})
    days["day_type"] = day_type(days["date_local"])
    slots = frame[["queue_id", "day_type", "minute"]].drop_duplicates()
    grid = slots.merge(days, on="day_type")
    frame = frame.groupby(["queue_id", "date_local", "minute"], as_index=False)[
        ["calls", "handle_seconds", "handled"]
    ].sum()
    dense = grid.merge(frame, on=["queue_id", "date_local", "minute"], how="left").fillna(
        {"calls": 0.0, "handle_seconds": 0.0, "handled": 0.0}
    )
    return dense.sort_values(["queue_id", "date_local", "minute"]).reset_index(drop=True)


@dataclass(frozen=True)
class ForecastSettings:
    alpha: float = 0.3  # smoothing constant of the daily level
    weeks: int = 6  # weeks of history the weekday index and intraday shapes pool
    aht_prior_calls: float = 30.0  # shrink an interval's AHT to the queue's with this weight
    holiday_factor: float = 0.0  # a holiday's volume relative to a normal day


def _future_slots(dense: pd.DataFrame, target_dates: Sequence[date]) -> pd.DataFrame:
    targets = pd.DataFrame({"date_local": list(target_dates)})
    targets["day_type"] = day_type(targets["date_local"])
    slots = dense[["queue_id", "day_type", "minute"]].drop_duplicates()
    return slots.merge(targets, on="day_type")


def seasonal_naive(
    history: pd.DataFrame, target_dates: Sequence[date], holidays: Collection[date] = ()
) -> pd.DataFrame:
    """Same interval, same weekday, latest week of history with that weekday (holidays skipped)."""
    dense = densify(history)
    if dense.empty:
        return pd.DataFrame(columns=list(FORECAST_COLUMNS))
    dense = dense[~dense["date_local"].isin(set(holidays))]
    dense["weekday"] = pd.to_datetime(dense["date_local"]).dt.day_of_week
    latest = dense.groupby(["queue_id", "weekday"])["date_local"].transform("max")
    last = dense[dense["date_local"] == latest]
    slots = _future_slots(dense, target_dates)
    slots["weekday"] = pd.to_datetime(slots["date_local"]).dt.day_of_week
    out = slots.merge(
        last[["queue_id", "weekday", "minute", "calls", "handle_seconds", "handled"]],
        on=["queue_id", "weekday", "minute"],
        how="left",
    ).fillna({"calls": 0.0, "handle_seconds": 0.0, "handled": 0.0})
    overall = dense.groupby("queue_id")[["handle_seconds", "handled"]].sum()
    queue_aht = (overall["handle_seconds"] / overall["handled"].replace(0, np.nan)).rename("q_aht")
    out = out.merge(queue_aht, left_on="queue_id", right_index=True, how="left")
    out["forecast_aht"] = np.where(
        out["handled"] > 0,
        out["handle_seconds"] / out["handled"].where(out["handled"] > 0, 1),
        out["q_aht"],
    )
    out["forecast_calls"] = out["calls"]
    out.loc[out["date_local"].isin(set(holidays)), "forecast_calls"] = 0.0
    out["model"] = "seasonal_naive"
    return out.loc[:, list(FORECAST_COLUMNS)].reset_index(drop=True)


def profile_smoothing(
    history: pd.DataFrame,
    target_dates: Sequence[date],
    holidays: Collection[date] = (),
    settings: ForecastSettings | None = None,
) -> pd.DataFrame:
    """Smoothed daily level x weekday index x pooled intraday shape; pooled, shrunk AHT."""
    cfg = settings or ForecastSettings()
    dense = densify(history)
    if dense.empty:
        return pd.DataFrame(columns=list(FORECAST_COLUMNS))
    holiday_set = set(holidays)
    dense = dense[~dense["date_local"].isin(holiday_set)]
    last_day = max(dense["date_local"])
    recent = dense[dense["date_local"] > last_day - timedelta(days=7 * cfg.weeks)]

    # daily totals, weekday index (ratio to the mean of the day's Monday-based week)
    daily = dense.groupby(["queue_id", "date_local"], as_index=False)["calls"].sum()
    daily["weekday"] = pd.to_datetime(daily["date_local"]).dt.day_of_week
    daily["week"] = pd.to_datetime(daily["date_local"]).dt.to_period("W-SUN")
    recent_daily = daily[daily["date_local"] > last_day - timedelta(days=7 * cfg.weeks)].copy()
    week_mean = recent_daily.groupby(["queue_id", "week"])["calls"].transform("mean")
    recent_daily["ratio"] = recent_daily["calls"] / week_mean.replace(0, np.nan)
    index = recent_daily.groupby(["queue_id", "weekday"])["ratio"].mean().rename("weekday_index")
    daily = daily.merge(index, left_on=["queue_id", "weekday"], right_index=True, how="left")
    daily["deseasonalized"] = daily["calls"] / daily["weekday_index"].replace(0, np.nan)
    levels = {}
    for queue, rows in daily.dropna(subset=["deseasonalized"]).groupby("queue_id"):
        values = rows.sort_values("date_local")["deseasonalized"].to_numpy()
        level = values[0]
        for value in values[1:]:
            level = cfg.alpha * value + (1 - cfg.alpha) * level
        levels[queue] = level
    level = pd.Series(levels, name="level")

    # intraday shape per day type, pooled over the recent days of that type
    day_totals = recent.groupby(["queue_id", "date_local"])["calls"].transform("sum")
    pool = recent.assign(day_total=day_totals)
    shape = pool.groupby(["queue_id", "day_type", "minute"], as_index=False)[
        ["calls", "day_total", "handle_seconds", "handled"]
    ].sum()
    type_total = shape.groupby(["queue_id", "day_type"])["calls"].transform("sum")
    shape["share"] = shape["calls"] / type_total.replace(0, np.nan)
    overall = recent.groupby("queue_id")[["handle_seconds", "handled"]].sum()
    queue_aht = (overall["handle_seconds"] / overall["handled"].replace(0, np.nan)).rename("q_aht")
    shape = shape.merge(queue_aht, left_on="queue_id", right_index=True, how="left")
    prior = cfg.aht_prior_calls
    shape["forecast_aht"] = (shape["handle_seconds"] + prior * shape["q_aht"]) / (
        shape["handled"] + prior
    )

    slots = _future_slots(dense, target_dates)
    slots["weekday"] = pd.to_datetime(slots["date_local"]).dt.day_of_week
    out = (
        slots.merge(index, left_on=["queue_id", "weekday"], right_index=True, how="left")
        .merge(level, left_on="queue_id", right_index=True, how="left")
        .merge(
            shape[["queue_id", "day_type", "minute", "share", "forecast_aht"]],
            on=["queue_id", "day_type", "minute"],
            how="left",
        )
    )
    out["forecast_calls"] = (
        out["level"].fillna(0) * out["weekday_index"].fillna(0) * out["share"].fillna(0)
    )
    out.loc[out["date_local"].isin(holiday_set), "forecast_calls"] *= cfg.holiday_factor
    out["model"] = "profile_smoothing"
    return out.loc[:, list(FORECAST_COLUMNS)].reset_index(drop=True)


def forecast(
    model: str,
    history: pd.DataFrame,
    target_dates: Sequence[date],
    holidays: Collection[date] = (),
    settings: ForecastSettings | None = None,
) -> pd.DataFrame:
    if model == "seasonal_naive":
        return seasonal_naive(history, target_dates, holidays)
    if model == "profile_smoothing":
        return profile_smoothing(history, target_dates, holidays, settings)
    raise ValueError(f"unknown forecast model {model!r}; use one of {MODELS}")


def wape(forecast_values: np.ndarray, actual: np.ndarray) -> float:
    """Σ|F − A| / ΣA (NaN when nothing happened)."""
    total = float(np.sum(actual))
    return float(np.sum(np.abs(forecast_values - actual)) / total) if total > 0 else float("nan")


def backtest(
    history: pd.DataFrame,
    horizon_days: int = 7,
    min_history_days: int = 7,
    holidays: Collection[date] = (),
    settings: ForecastSettings | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rolling-origin backtest of every model.

    Origins: every Monday with at least `min_history_days` days of history before it and some
    actuals on or after it. Returns (forecasts, scores): the forecasts with their origin and
    the actual calls, and per queue, model and origin the interval WAPE and bias.
    """
    dense = densify(history)
    if dense.empty:
        return pd.DataFrame(), pd.DataFrame()
    first, last = min(dense["date_local"]), max(dense["date_local"])
    origin = first + timedelta(days=min_history_days)
    origin += timedelta(days=(7 - origin.weekday()) % 7)
    frames = []
    while origin <= last:
        train = dense[dense["date_local"] < origin]
        targets = [origin + timedelta(days=k) for k in range(horizon_days)]
        actual = dense[dense["date_local"].isin(targets)]
        for model in MODELS:
            fc = forecast(model, train, targets, holidays, settings)
            merged = fc.merge(
                actual[["queue_id", "date_local", "minute", "calls"]],
                on=["queue_id", "date_local", "minute"],
                how="outer",
            )
            merged["model"] = model
            merged = merged.fillna({"forecast_calls": 0.0, "calls": 0.0})
            merged = merged[merged["date_local"] <= last]
            merged["origin"] = origin
            frames.append(merged)
        origin += timedelta(days=7)
    if not frames:
        return pd.DataFrame(), pd.DataFrame()
    forecasts = pd.concat(frames, ignore_index=True)
    scores = (
        forecasts.assign(
            abs_error=(forecasts["forecast_calls"] - forecasts["calls"]).abs(),
            error=forecasts["forecast_calls"] - forecasts["calls"],
        )
        .groupby(["queue_id", "model", "origin"], as_index=False)[["abs_error", "error", "calls"]]
        .sum()
    )
    scores["wape"] = scores["abs_error"] / scores["calls"].replace(0, np.nan)
    scores["bias"] = scores["error"] / scores["calls"].replace(0, np.nan)
    return forecasts, scores


def choose_models(scores: pd.DataFrame, default: str = "profile_smoothing") -> dict[str, str]:
    """Per queue, the model with the lowest interval WAPE over all backtest origins."""
    if scores.empty:
        return {}
    pooled = scores.groupby(["queue_id", "model"])[["abs_error", "calls"]].sum()
    pooled["wape"] = pooled["abs_error"] / pooled["calls"].replace(0, np.nan)
    chosen = {}
    for queue, rows in pooled.reset_index().groupby("queue_id"):
        rows = rows.dropna(subset=["wape"])
        chosen[queue] = rows.loc[rows["wape"].idxmin(), "model"] if len(rows) else default
    return chosen
