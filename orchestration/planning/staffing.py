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


@dataclass(frozen=True)
class PooledStaffing:
    """Erlang C for queues answered by one pool of agents (a staffing group), per interval.

    Shapes: `group_*` have the interval shape (the queue axis removed); the others are one cell
    per queue and interval, like the inputs.
    """

    group_required_agents: NDArray[np.int64]  # agents on the phones for the whole pool
    group_scheduled_agents_needed: NDArray[np.int64]  # the same grossed up by shrinkage
    group_offered_load: NDArray[np.float64]  # Erlangs, sum of the queues' loads
    group_aht_seconds: NDArray[np.float64]  # call-weighted AHT of the pool
    required_agents_share: NDArray[np.float64]  # the queue's load share of the pool's agents
    scheduled_agents_needed_share: NDArray[np.float64]  # its share of the agents to schedule
    predicted_service_level: NDArray[np.float64]  # the queue's SL (its own threshold) in the pool


def pooled_staffing(
    calls: ArrayLike,
    aht_seconds: ArrayLike,
    interval_seconds: float,
    service_level_target: ArrayLike,
    threshold_seconds: ArrayLike,
    *,
    max_occupancy: float = 0.85,
    shrinkage: float = 0.3,
) -> PooledStaffing:
    """Agents for queues served by the same agents, every agent answering every queue (axis 0
    is the queue, the other axes the intervals).

    With every agent on every queue and the longest-waiting call answered first (Asterisk's
    member-side choice between queues of equal penalty), the pool is one M/M/n queue: calls
    arrive at the sum of the queues' rates, handle times have the call-weighted mean AHT
    (so the load is the sum of the queues' loads) and every caller, whatever the queue, waits
    the same. Erlang C of that pool gives each queue's service level at its own threshold,
    SL_q = 1 - P(wait) exp(-(n - A) T_q / AHT); the pool needs the fewest agents that meet
    every queue's target (queues without calls set none) and the occupancy cap. Those agents
    are split over the queues by their share of the load, for queue-level reporting (shares
    of one pool add up to it). Summing every queue's own Erlang C agents instead would ignore
    the economies of scale of the pool and overstaff (an upper bound).
    """
    calls_a = np.asarray(calls, dtype=np.float64)
    aht_a = np.broadcast_to(np.asarray(aht_seconds, dtype=np.float64), calls_a.shape)
    if calls_a.ndim == 0:
        raise ValueError("pooled_staffing: give one row of calls per queue (axis 0 = queues)")
    if np.any((calls_a > 0) & ~np.isfinite(aht_a)):
        raise ValueError("pooled_staffing: an interval has calls but no AHT (NaN); fill the AHT")
    aht_a = np.where(np.isfinite(aht_a), aht_a, 0.0)
    target = np.broadcast_to(np.asarray(service_level_target, dtype=np.float64), calls_a.shape)
    threshold = np.broadcast_to(np.asarray(threshold_seconds, dtype=np.float64), calls_a.shape)
    loads = erlang.offered_load(calls_a, aht_a, interval_seconds)
    load = loads.sum(axis=0)
    pool_calls = calls_a.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pool_aht = np.where(pool_calls > 0, load * interval_seconds / pool_calls, 0.0)
    # every queue's own (target, threshold) against the pooled traffic; the binding one wins
    per_queue = erlang.required_agents(
        np.broadcast_to(pool_calls, calls_a.shape),
        np.broadcast_to(pool_aht, calls_a.shape),
        interval_seconds,
        target,
        threshold,
        max_occupancy,
    )
    required = np.where(calls_a > 0, per_queue, 0).max(axis=0)
    scheduled = erlang.scheduled_agents(required, shrinkage)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(load > 0, loads / load, 0.0)
    predicted = erlang.service_level(
        np.broadcast_to(load, calls_a.shape),
        np.broadcast_to(required, calls_a.shape),
        np.broadcast_to(pool_aht, calls_a.shape),
        threshold,
    )
    predicted = np.where(calls_a > 0, predicted, 1.0)
    return PooledStaffing(
        group_required_agents=np.asarray(required, dtype=np.int64),
        group_scheduled_agents_needed=np.asarray(scheduled, dtype=np.int64),
        group_offered_load=np.asarray(load, dtype=np.float64),
        group_aht_seconds=np.asarray(pool_aht, dtype=np.float64),
        required_agents_share=share * required,
        scheduled_agents_needed_share=share * scheduled,
        predicted_service_level=np.asarray(predicted, dtype=np.float64),
    )
