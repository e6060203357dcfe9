"""Required staff per interval from a forecast: Erlang C, Erlang A, shrinkage, Erlang B trunks.

Pure and vectorized on top of `erlang.py`: every argument is a scalar or an array (one cell per
queue and interval) and every result an array of the same shape.

- agents on the phones: Erlang C for the service-level target (answered within T) with the
  maximum occupancy as a second floor; Erlang A with the callers' patience (estimated from the
  warehouse's abandons, `erlang.estimate_patience_seconds`);
- agents to schedule: the Erlang C agents grossed up by shrinkage, ceil(n / (1 - s));
- trunks (lines) for the calls in the system (waiting or talking) at a blocking target, Erlang B.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orchestration.planning import erlang


@dataclass(frozen=True)
class StaffingPlan:
    required_agents: NDArray[np.int64]  # Erlang C, before shrinkage
    required_agents_erlang_a: NDArray[np.int64]  # Erlang A (patience), before shrinkage
    scheduled_agents_needed: NDArray[np.int64]  # Erlang C agents grossed up by shrinkage
    predicted_service_level: NDArray[np.float64]  # Erlang C at required_agents
    predicted_service_level_erlang_a: NDArray[np.float64]  # Erlang A at required_agents_erlang_a
    offered_load: NDArray[np.float64]  # Erlangs
    trunks_required: NDArray[np.int64]  # Erlang B lines for the calls in the system


def staffing_plan(
    calls: ArrayLike,
    aht_seconds: ArrayLike,
    interval_seconds: ArrayLike,
    service_level_target: ArrayLike,
    threshold_seconds: ArrayLike,
    *,
    max_occupancy: ArrayLike = 0.85,
    patience_seconds: ArrayLike = np.inf,
    shrinkage: ArrayLike = 0.3,
    trunk_seconds_per_call: ArrayLike | None = None,
    blocking_target: ArrayLike = 0.01,
) -> StaffingPlan:
    """Agents and trunks per cell. Fractional forecast calls are fine (expected values).

    `trunk_seconds_per_call` is how long a call holds a line (IVR + wait + talk + hold; ACW
    does not); by default the AHT. 100 calls / 30 min, AHT 180 s, 80/20, no occupancy cap:
    14 agents (SL 0.8884), 20 to schedule at 30 % shrinkage.
    """
    calls_a = np.asarray(calls, dtype=np.float64)
    aht_a = np.asarray(aht_seconds, dtype=np.float64)
    # an interval with calls but no AHT estimate cannot be staffed: say so instead of guessing
    if np.any((calls_a > 0) & ~np.isfinite(aht_a)):
        raise ValueError("staffing_plan: an interval has calls but no AHT (NaN); fill the AHT")
    aht_a = np.where(np.isfinite(aht_a), aht_a, 0.0)
    load = erlang.offered_load(calls_a, aht_a, interval_seconds)
    required = erlang.required_agents(
        calls_a, aht_a, interval_seconds, service_level_target, threshold_seconds, max_occupancy
    )
    patience = np.asarray(patience_seconds, dtype=np.float64)
    patience = np.where(np.isnan(patience), np.inf, patience)
    required_a = erlang.erlang_a_required_agents(
        calls_a,
        aht_a,
        interval_seconds,
        patience,
        service_level_target,
        threshold_seconds,
        max_occupancy,
    )
    predicted = erlang.service_level(load, required, aht_a, threshold_seconds)
    predicted = np.where(load > 0, predicted, 1.0)
    metrics_a = erlang.erlang_a_metrics(
        calls_a, aht_a, interval_seconds, required_a, patience, threshold_seconds
    )
    predicted_a = np.where(load > 0, metrics_a.service_level, 1.0)
    scheduled = erlang.scheduled_agents(required, shrinkage)
    hold = aht_a if trunk_seconds_per_call is None else np.asarray(trunk_seconds_per_call, float)
    trunk_load = erlang.offered_load(
        calls_a, np.where(np.isfinite(hold), hold, 0.0), interval_seconds
    )
    trunks = erlang.trunks_for_blocking(trunk_load, blocking_target)
    return StaffingPlan(
        required_agents=np.asarray(required),
        required_agents_erlang_a=np.asarray(required_a),
        scheduled_agents_needed=np.asarray(scheduled),
        predicted_service_level=np.asarray(predicted, dtype=np.float64),
        predicted_service_level_erlang_a=np.asarray(predicted_a, dtype=np.float64),
        offered_load=np.asarray(load, dtype=np.float64),
        trunks_required=np.asarray(trunks),
    )
