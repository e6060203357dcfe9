"""Erlang B, C and A staffing math against the KPIS.md fixtures, exact chains and a simulation.

Fixtures come from the shared KPIS.md ("Fixtures (Erlang C)"); Erlang A is checked against its
own birth-death chain, against Erlang C and Erlang B at the patience limits, and against a
small discrete-event simulation of the M/M/n+M queue.
"""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from scipy import special

from orchestration.planning import (
    average_speed_of_answer,
    erlang_a_metrics,
    erlang_a_required_agents,
    erlang_b,
    erlang_c_wait_probability,
    estimate_patience_seconds,
    occupancy,
    offered_load,
    required_agents,
    scheduled_agents,
    service_level,
    trunks_for_blocking,
)

HALF_HOUR = 1800
HOUR = 3600


# --------------------------------------------------------------------------------------
# KPIS.md fixtures
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calls", "aht", "interval", "erlangs"),
    [(100, 180, HALF_HOUR, 10.0), (360, 240, HOUR, 24.0), (250, 180, HALF_HOUR, 25.0)],
)
def test_offered_load(calls: int, aht: int, interval: int, erlangs: float) -> None:
    assert offered_load(calls, aht, interval) == pytest.approx(erlangs)


@pytest.mark.parametrize(
    ("traffic", "agents", "aht", "threshold", "percent"),
    [
        (10, 13, 180, 20, 79.56),
        (10, 14, 180, 20, 88.84),
        (10, 13, 180, 30, 82.70),
        (24, 28, 240, 20, 76.13),
        (24, 29, 240, 20, 84.03),
        (25, 29, 180, 20, 78.13),
        (25, 30, 180, 20, 85.66),
    ],
)
def test_service_level_fixtures(
    traffic: float, agents: int, aht: int, threshold: int, percent: float
) -> None:
    assert 100 * service_level(traffic, agents, aht, threshold) == pytest.approx(percent, abs=5e-3)


def test_fourteen_agents_on_ten_erlangs() -> None:
    assert erlang_c_wait_probability(10, 14) == pytest.approx(0.1741, abs=5e-5)
    assert average_speed_of_answer(10, 14, 180) == pytest.approx(7.8, abs=0.05)
    assert 100 * occupancy(10, 14) == pytest.approx(71.4, abs=0.05)


def test_asa_on_twenty_four_erlangs() -> None:
    assert average_speed_of_answer(24, 28, 240) == pytest.approx(20.0, abs=0.05)


@pytest.mark.parametrize(
    ("calls", "aht", "interval", "threshold", "agents"),
    [
        (100, 180, HALF_HOUR, 20, 14),
        (100, 180, HALF_HOUR, 30, 13),
        (360, 240, HOUR, 20, 29),
        (250, 180, HALF_HOUR, 20, 30),
    ],
)
def test_required_agents_fixtures(
    calls: int, aht: int, interval: int, threshold: int, agents: int
) -> None:
    assert required_agents(calls, aht, interval, 0.8, threshold) == agents


def test_scheduled_agents_fixture_survives_float_rounding() -> None:
    # 14 / 0.7 is 20.000000000000004 in binary floating point.
    assert scheduled_agents(14, 0.3) == 20
    assert scheduled_agents(required_agents(100, 180, HALF_HOUR, 0.8, 20), 0.3) == 20
    assert scheduled_agents([0, 14, 15], [0.0, 0.0, 0.3]).tolist() == [0, 14, 22]


def test_erlang_b_fixture() -> None:
    assert 100 * erlang_b(10, 18) == pytest.approx(0.714, abs=5e-4)
    assert trunks_for_blocking(10, 0.01) == 18
    assert trunks_for_blocking(10, 0.0071425) == 18
    assert trunks_for_blocking(10, 0.0071424) == 19


# --------------------------------------------------------------------------------------
# Erlang B and C properties
# --------------------------------------------------------------------------------------


def _erlang_b_log_space(traffic: float, servers: int) -> float:
    """(A^n / n!) / sum_k A^k / k!, summed in log space."""
    k = np.arange(servers + 1)
    log_terms = k * np.log(traffic) - special.gammaln(k + 1)
    return float(np.exp(log_terms[-1] - np.logaddexp.reduce(log_terms)))


@pytest.mark.parametrize(("traffic", "servers"), [(2000, 2000), (1500, 1600), (1900, 1700), (3, 1)])
def test_erlang_b_is_stable_for_large_systems(traffic: float, servers: int) -> None:
    assert erlang_b(traffic, servers) == pytest.approx(_erlang_b_log_space(traffic, servers))


def test_erlang_b_edges() -> None:
    assert erlang_b(0, [0, 1, 5]).tolist() == [1.0, 0.0, 0.0]
    assert erlang_b(5, 0) == 1.0
    assert trunks_for_blocking([0, 0.5], 0.01).tolist() == [0, 4]


def test_erlang_c_is_monotonic_in_agents() -> None:
    agents = np.arange(11, 40)
    sl = service_level(10, agents, 180, 20)
    wait = erlang_c_wait_probability(10, agents)
    asa = average_speed_of_answer(10, agents, 180)
    assert np.all(np.diff(sl) > 0)
    assert np.all(np.diff(wait) < 0)
    assert np.all(np.diff(asa) < 0)
    assert np.all(np.diff(occupancy(10, agents)) < 0)


def test_agents_not_above_traffic_never_clear_the_queue() -> None:
    agents = np.array([0, 5, 9, 10])
    assert service_level(10, agents, 180, 20).tolist() == [0.0] * 4
    assert erlang_c_wait_probability(10, agents).tolist() == [1.0] * 4
    assert np.isinf(average_speed_of_answer(10, agents, 180)).all()
    assert occupancy(10, agents)[1:].tolist() == [1.0] * 3
    assert np.isnan(occupancy(10, 0))


def test_zero_calls_need_zero_agents() -> None:
    assert required_agents(0, 180, HALF_HOUR, 0.8, 20) == 0
    assert required_agents(0, 180, HALF_HOUR, 0.8, 20, max_occupancy=0.85) == 0
    assert required_agents(12, 0, HALF_HOUR, 0.8, 20) == 0
    assert erlang_a_required_agents(0, 180, HALF_HOUR, 120, 0.8, 20) == 0
    assert service_level(0, 1, 180, 20) == 1.0


def test_max_occupancy_at_low_and_high_volume() -> None:
    # One call in half an hour: 0.1 Erlang. One agent already meets 80/20 at 10 %
    # occupancy, so a 85 % cap changes nothing; low volume is bound by the SL target.
    assert required_agents(1, 180, HALF_HOUR, 0.8, 20) == 1
    assert required_agents(1, 180, HALF_HOUR, 0.8, 20, max_occupancy=0.85) == 1
    assert occupancy(offered_load(1, 180, HALF_HOUR), 1) == pytest.approx(0.1)
    # 400 Erlangs: economies of scale meet 80/20 at 412 agents (97 % busy); the cap binds.
    assert required_agents(2400, 300, HALF_HOUR, 0.8, 20) == 412
    assert required_agents(2400, 300, HALF_HOUR, 0.8, 20, max_occupancy=0.85) == 471
    # 425 / 0.85 is exactly 500 agents at exactly 85 %: allowed.
    assert required_agents(2550, 300, HALF_HOUR, 0.8, 20, max_occupancy=0.85) == 500


def test_required_agents_is_the_smallest_meeting_target() -> None:
    rng = np.random.default_rng(7)
    calls = rng.integers(0, 400, size=200)
    aht = rng.uniform(60, 600, size=200)
    agents = required_agents(calls, aht, HALF_HOUR, 0.8, 20)
    traffic = offered_load(calls, aht, HALF_HOUR)
    busy = traffic > 0
    assert (service_level(traffic, agents, aht, 20)[busy] >= 0.8).all()
    assert (service_level(traffic, agents - 1, aht, 20)[busy] < 0.8).all()


def test_vectorized_equals_scalar_loop() -> None:
    rng = np.random.default_rng(11)
    calls = rng.integers(0, 300, size=(48, 3)).astype(float)
    aht = rng.uniform(90, 420, size=(1, 3))
    targets = np.array([0.7, 0.8, 0.9])
    agents = required_agents(calls, aht, HALF_HOUR, targets, 20, max_occupancy=0.9)
    assert agents.shape == (48, 3)
    for (row, col), value in np.ndenumerate(agents):
        scalar = required_agents(calls[row, col], aht[0, col], HALF_HOUR, targets[col], 20, 0.9)
        assert scalar == value
    traffic = offered_load(calls, aht, HALF_HOUR)
    sl = service_level(traffic, agents, aht, 20)
    for (row, col), value in np.ndenumerate(sl):
        assert service_level(traffic[row, col], agents[row, col], aht[0, col], 20) == value


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="calls must be a non-negative"):
        required_agents([10, -1], 180, HALF_HOUR, 0.8, 20)
    with pytest.raises(ValueError, match="agents must be whole"):
        service_level(10, 13.5, 180, 20)
    with pytest.raises(ValueError, match="service_level_target must lie in"):
        required_agents(100, 180, HALF_HOUR, 80, 20)
    with pytest.raises(ValueError, match="shrinkage must lie in"):
        scheduled_agents(14, 1.0)
    with pytest.raises(ValueError, match="interval_seconds must be > 0"):
        offered_load(100, 180, 0)


# --------------------------------------------------------------------------------------
# Erlang A
# --------------------------------------------------------------------------------------


def _birth_death(
    calls: float, aht: float, interval: float, agents: int, patience: float
) -> tuple[float, float]:
    """P(wait) and P(abandon) from the M/M/n+M chain itself, truncated far in the tail."""
    lam, mu, theta = calls / interval, 1 / aht, 1 / patience
    states = np.arange(1, agents + 2000)
    death = np.minimum(states, agents) * mu + np.maximum(states - agents, 0) * theta
    log_p = np.concatenate([[0.0], np.cumsum(np.log(lam / death))])
    p = np.exp(log_p - np.logaddexp.reduce(log_p))
    queue = np.maximum(np.arange(p.size) - agents, 0)
    # Abandons per second are theta x mean queue length; divide by arrivals per second.
    return float(p[agents:].sum()), float(theta * (queue * p).sum() / lam)


@pytest.mark.parametrize(
    ("calls", "agents", "patience"), [(100, 14, 120), (100, 9, 60), (250, 22, 90), (4, 1, 30)]
)
def test_erlang_a_matches_its_birth_death_chain(calls: int, agents: int, patience: int) -> None:
    metrics = erlang_a_metrics(calls, 180, HALF_HOUR, agents, patience, 20)
    wait, abandon = _birth_death(calls, 180, HALF_HOUR, agents, patience)
    assert metrics.wait_probability == pytest.approx(wait, rel=1e-9)
    assert metrics.abandon_probability == pytest.approx(abandon, rel=1e-9)
    assert metrics.average_wait_seconds == pytest.approx(abandon * patience)
    assert metrics.occupancy == pytest.approx(calls * 180 / HALF_HOUR * (1 - abandon) / agents)


def test_erlang_a_approaches_erlang_c_as_patience_grows() -> None:
    patience = np.array([1e2, 1e3, 1e4, 1e5, 1e6])
    metrics = erlang_a_metrics(100, 180, HALF_HOUR, 14, patience, 20)
    sl_gap = np.abs(metrics.service_level - service_level(10, 14, 180, 20))
    asa_gap = np.abs(metrics.asa_seconds - average_speed_of_answer(10, 14, 180))
    assert np.all(np.diff(sl_gap) < 0) and sl_gap[-1] < 1e-4
    assert np.all(np.diff(asa_gap) < 0) and asa_gap[-1] < 0.01
    assert np.all(np.diff(metrics.abandon_probability) < 0)
    assert metrics.abandon_probability[-1] < 1e-5
    endless = erlang_a_metrics(100, 180, HALF_HOUR, [13, 14], np.inf, 20)
    assert endless.service_level == pytest.approx([0.7956, 0.8884], abs=5e-5)
    assert endless.abandon_probability.tolist() == [0.0, 0.0]
    assert erlang_a_required_agents(100, 180, HALF_HOUR, np.inf, 0.8, 20) == 14


def test_erlang_a_with_zero_patience_is_erlang_b() -> None:
    metrics = erlang_a_metrics(100, 180, HALF_HOUR, [10, 14], 0, 20)
    assert metrics.abandon_probability == pytest.approx(erlang_b(10, [10, 14]))
    assert metrics.service_level == pytest.approx(1 - erlang_b(10, [10, 14]))


def test_erlang_a_is_monotonic_in_agents() -> None:
    agents = np.arange(1, 30)
    metrics = erlang_a_metrics(100, 180, HALF_HOUR, agents, 120, 20)
    assert np.all(np.diff(metrics.abandon_probability) < 0)
    assert np.all(np.diff(metrics.wait_probability) < 0)
    assert np.all(np.diff(metrics.service_level) > 0)
    assert np.all(np.diff(metrics.asa_seconds) < 0)


def test_abandonment_shortens_the_queue() -> None:
    """Finite patience never makes waiting more likely or longer for answered calls."""
    agents = np.arange(1, 40)[:, None]
    patience = np.array([5, 30, 120, 600, 3600])
    metrics = erlang_a_metrics(250, 180, HALF_HOUR, agents, patience, 20)
    assert (metrics.wait_probability <= erlang_c_wait_probability(25, agents) + 1e-12).all()
    assert (metrics.asa_seconds <= average_speed_of_answer(25, agents, 180) + 1e-9).all()


@pytest.mark.parametrize(("calls", "aht"), [(20, 180), (100, 180), (360, 240), (1200, 300)])
def test_erlang_a_service_level_beats_erlang_c_where_staffing_is_planned(
    calls: int, aht: int
) -> None:
    """Same agents, Erlang C SL between 50 % and 90 %, patience at least 3 x T."""
    traffic = calls * aht / HALF_HOUR
    agents = np.arange(int(traffic) + 1, int(traffic * 1.3) + 10)[:, None]
    threshold = np.array([10, 20, 30])[:, None, None]
    patience = np.array([60, 90, 120, 300, 900])
    erlang_c = service_level(traffic, agents, aht, threshold)
    erlang_a = erlang_a_metrics(calls, aht, HALF_HOUR, agents, patience, threshold)
    planned = (erlang_c >= 0.5) & (erlang_c <= 0.9) & (patience >= 3 * threshold)
    assert planned.sum() > 20
    assert (erlang_a.service_level >= erlang_c)[planned].all()
    # Below the traffic Erlang C never clears its queue; abandons let Erlang A answer.
    assert (erlang_a.service_level > 0).all()


def test_erlang_a_service_level_can_trail_erlang_c_when_patience_is_short() -> None:
    """Answered within T / offered: callers who would be answered at 60 s but give up at
    30 s count against Erlang A. With light queues this outweighs the shorter queue."""
    erlang_a = erlang_a_metrics(100, 180, HALF_HOUR, 14, 30, 120).service_level
    assert erlang_a == pytest.approx(0.9624, abs=5e-5)
    assert service_level(10, 14, 180, 120) == pytest.approx(0.9879, abs=5e-5)


def test_erlang_a_required_agents() -> None:
    patience = np.array([30, 60, 120, 300, 600, np.inf])
    agents = erlang_a_required_agents(100, 180, HALF_HOUR, patience, 0.8, 20)
    assert agents.tolist() == [11, 12, 12, 13, 13, 14]
    sl = erlang_a_metrics(100, 180, HALF_HOUR, agents, patience, 20).service_level
    below = erlang_a_metrics(100, 180, HALF_HOUR, agents - 1, patience, 20).service_level
    assert (sl >= 0.8).all() and (below < 0.8).all()
    # The occupancy cap counts handled load only: A (1 - P(abandon)) / n.
    assert erlang_a_required_agents(2550, 300, HALF_HOUR, 120, 0.8, 20) == 393
    assert erlang_a_required_agents(2550, 300, HALF_HOUR, 120, 0.8, 20, max_occupancy=0.85) == 500


def test_erlang_a_vectorized_equals_scalar_loop() -> None:
    rng = np.random.default_rng(5)
    calls = rng.integers(0, 200, size=12).astype(float)
    patience = rng.uniform(20, 600, size=12)
    agents = erlang_a_required_agents(calls, 240, HALF_HOUR, patience, 0.8, 20)
    metrics = erlang_a_metrics(calls, 240, HALF_HOUR, agents, patience, 20)
    for i in range(12):
        assert erlang_a_required_agents(calls[i], 240, HALF_HOUR, patience[i], 0.8, 20) == agents[i]
        one = erlang_a_metrics(calls[i], 240, HALF_HOUR, agents[i], patience[i], 20)
        assert one.service_level == pytest.approx(metrics.service_level[i], rel=1e-12)
        assert one.asa_seconds == pytest.approx(metrics.asa_seconds[i], rel=1e-12, nan_ok=True)


def test_erlang_a_large_center_stays_finite() -> None:
    # 2000 Erlangs, one-hour patience: the closed form would underflow; log space does not.
    agents = np.array([1900, 2000, 2010, 2100])
    metrics = erlang_a_metrics(120_000, 60, HOUR, agents, 3600, 20)
    for value in (metrics.service_level, metrics.abandon_probability, metrics.wait_probability):
        assert np.isfinite(value).all() and ((value >= 0) & (value <= 1)).all()
    assert np.all(np.diff(metrics.service_level) > 0)
    assert metrics.service_level[2] >= service_level(2000, 2010, 60, 20)


def _simulate(
    calls: int, aht: float, interval: float, agents: int, patience: float, n_calls: int
) -> tuple[np.ndarray, np.ndarray]:
    """FCFS M/M/n+M: each call's offered wait (as if it never gave up) and whether it
    was answered. Agents are a heap of the times they become free; callers who give up
    never take an agent."""
    rng = np.random.default_rng(2024)
    arrivals = np.cumsum(rng.exponential(interval / calls, n_calls)).tolist()
    handling = rng.exponential(aht, n_calls).tolist()
    patiences = rng.exponential(patience, n_calls).tolist()
    free = [0.0] * agents
    offered_wait = np.empty(n_calls)
    answered = np.zeros(n_calls, dtype=bool)
    for i, (arrival, handle, limit) in enumerate(zip(arrivals, handling, patiences, strict=True)):
        wait = max(free[0] - arrival, 0.0)
        offered_wait[i] = wait
        if wait <= limit:
            answered[i] = True
            heapq.heapreplace(free, arrival + wait + handle)
    warm_up = n_calls // 10
    # Abandoned callers waited their patience; keep it for the estimator test.
    waited = np.where(answered, offered_wait, np.asarray(patiences))
    return offered_wait[warm_up:], np.stack([answered, waited])[:, warm_up:]


@pytest.mark.parametrize(("agents", "patience"), [(11, 120), (9, 60)])
def test_erlang_a_matches_a_simulation(agents: int, patience: int) -> None:
    offered_wait, (answered, waited) = _simulate(100, 180, HALF_HOUR, agents, patience, 20_000)
    answered = answered.astype(bool)
    metrics = erlang_a_metrics(100, 180, HALF_HOUR, agents, patience, 20)
    assert metrics.service_level == pytest.approx(
        np.mean(answered & (offered_wait <= 20)), abs=0.03
    )
    assert metrics.abandon_probability == pytest.approx(np.mean(~answered), abs=0.03)
    assert metrics.wait_probability == pytest.approx(np.mean(offered_wait > 0), abs=0.03)
    assert metrics.asa_seconds == pytest.approx(offered_wait[answered].mean(), rel=0.15)
    # The censored-wait estimator recovers the simulated mean patience.
    estimate = estimate_patience_seconds(
        waited[~answered].sum(), (~answered).sum(), waited[answered].sum()
    )
    assert estimate == pytest.approx(patience, rel=0.1)


def test_estimate_patience_seconds() -> None:
    # 10 abandons after 600 s of waiting in all; answered calls waited 2400 s in all.
    assert estimate_patience_seconds(600, 10, 2400) == pytest.approx(300.0)
    estimates = estimate_patience_seconds([600, 0, 50], [10, 0, 1], [2400, 900, 0])
    assert estimates[0] == pytest.approx(300.0) and np.isnan(estimates[1])
    assert estimates[2] == pytest.approx(50.0)
    assert np.isnan(estimate_patience_seconds(100, 3, 200, min_abandons=5))
