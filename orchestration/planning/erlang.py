"""Erlang B, C and A: the queueing math behind required and scheduled agents.

Every function is pure and vectorized: pass scalars or numpy arrays (they broadcast, e.g.
48 intervals x 30 queues) and get numpy arrays back (0-d arrays for scalar inputs; use
`float()` or `int()` on them). Nothing loops over intervals in Python; the only Python
loops run over agent counts (or series terms), each step working on all intervals at once.

Notation. Calls arrive at rate lambda = calls / interval_seconds (Poisson), handling times
are exponential with mean AHT (mu = 1 / AHT), the offered load is A = lambda * AHT Erlangs
and n is the number of agents on the queue.

- Erlang B (M/M/n/n, blocked calls lost): the recursion E(0) = 1,
  E(k) = A E(k-1) / (k + A E(k-1)) keeps every value in [0, 1], so it is stable for
  thousands of servers and Erlangs.
- Erlang C (M/M/n, callers wait forever): P(wait) = n E / (n - A (1 - E)) for n > A and 1
  otherwise; SL(T) = 1 - P(wait) exp(-(n - A) T / AHT); ASA = P(wait) AHT / (n - A).
- Erlang A (M/M/n+M, Palm 1946; Garnett, Mandelbaum & Reiman 2002): callers also abandon
  after an exponential patience with mean 1 / theta. See `erlang_a_metrics`.

Service level everywhere is *answered within T / offered*: calls that abandon (whether
before or after T) count in the denominator and never in the numerator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
# (positions in the flattened inputs, agent counts, Erlang B at those counts) -> enough?
Criterion = Callable[[IntArray, IntArray, FloatArray], BoolArray]

__all__ = [
    "ErlangAMetrics",
    "average_speed_of_answer",
    "erlang_a_metrics",
    "erlang_a_required_agents",
    "erlang_b",
    "erlang_c_wait_probability",
    "estimate_patience_seconds",
    "occupancy",
    "offered_load",
    "required_agents",
    "scheduled_agents",
    "service_level",
    "trunks_for_blocking",
]

# Below this regularized incomplete gamma value the closed form would lose precision (and
# soon underflow); the power series is then short and exact (see `_log_kummer`).
_GAMMAINC_FLOOR = 1e-100
# Relative tolerance of the series in `_log_kummer`.
_SERIES_RTOL = 1e-17
# Floating-point slack when rounding a ratio up to whole agents (14 / 0.7 = 20.000000000000004).
_CEIL_SLACK = 1e-9


# --------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------


def _where(mask: BoolArray) -> str:
    bad = np.argwhere(mask)
    if bad.size == 0 or mask.ndim == 0:
        return ""
    return f" at index {tuple(int(i) for i in bad[0])}"


def _floats(name: str, value: ArrayLike, *, allow_inf: bool = False) -> FloatArray:
    """Non-negative floats (NaN is rejected; +inf only where it has a meaning)."""
    array = np.asarray(value, dtype=np.float64)
    bad = np.isnan(array) | (array < 0)
    if not allow_inf:
        bad |= np.isinf(array)
    if bad.any():
        first = array[bad].flat[0]
        raise ValueError(
            f"{name} must be a non-negative{'' if allow_inf else ' finite'} number, got "
            f"{first!r}{_where(bad)}; fix the input (missing intervals should be 0, not NaN)."
        )
    return array


def _positive(name: str, value: ArrayLike) -> FloatArray:
    array = _floats(name, value)
    if (array <= 0).any():
        raise ValueError(f"{name} must be > 0, got 0{_where(array <= 0)}.")
    return array


def _counts(name: str, value: ArrayLike) -> IntArray:
    """Non-negative whole numbers of agents or trunks."""
    array = np.asarray(value)
    as_float = array.astype(np.float64)
    bad = ~np.isfinite(as_float) | (as_float < 0) | (as_float != np.round(as_float))
    if bad.any():
        first = as_float[bad].flat[0]
        raise ValueError(
            f"{name} must be whole non-negative numbers, got {first!r}{_where(bad)}; "
            "round agent counts before calling (required agents are integers)."
        )
    return as_float.astype(np.int64)


def _fraction(name: str, value: ArrayLike, *, low_open: bool, high_open: bool) -> FloatArray:
    array = np.asarray(value, dtype=np.float64)
    low_bad = (array <= 0) if low_open else (array < 0)
    high_bad = (array >= 1) if high_open else (array > 1)
    bad = np.isnan(array) | low_bad | high_bad
    if bad.any():
        interval = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
        raise ValueError(
            f"{name} must lie in {interval} as a 0-1 decimal, got {array[bad].flat[0]!r}"
            f"{_where(bad)}; write 80 % as 0.8."
        )
    return array


# --------------------------------------------------------------------------------------
# load, Erlang B
# --------------------------------------------------------------------------------------


def offered_load(
    calls: ArrayLike, aht_seconds: ArrayLike, interval_seconds: ArrayLike
) -> FloatArray:
    """Offered load A in Erlangs: calls x AHT / interval length (100 x 180 / 1800 = 10)."""
    return (
        _floats("calls", calls)
        * _floats("aht_seconds", aht_seconds)
        / _positive("interval_seconds", interval_seconds)
    )


def _erlang_b(traffic: FloatArray, servers: IntArray) -> FloatArray:
    """Erlang B for broadcast, validated arrays (one recursion step per server)."""
    traffic, servers = np.broadcast_arrays(traffic, servers)
    blocking = np.ones(traffic.shape)
    for k in range(1, int(servers.max(initial=0)) + 1):
        step = traffic * blocking / (k + traffic * blocking)
        blocking = np.where(servers >= k, step, blocking)
    return blocking


def erlang_b(traffic: ArrayLike, servers: ArrayLike) -> FloatArray:
    """Blocking probability of A Erlangs offered to n trunks when blocked calls are lost.

    Uses the recursion E(k) = A E(k-1) / (k + A E(k-1)), E(0) = 1, which never leaves [0, 1]
    (no factorials, no overflow); A = 10, n = 18 gives 0.00714.
    """
    return _erlang_b(_floats("traffic", traffic), _counts("servers", servers))


def trunks_for_blocking(traffic: ArrayLike, target_blocking: ArrayLike) -> IntArray:
    """Fewest trunks (lines, channels) whose Erlang B blocking is at most the target.

    No traffic needs no trunks. A = 10 Erlangs at 1 % blocking needs 18 trunks.
    """
    load = _floats("traffic", traffic)
    target = _fraction("target_blocking", target_blocking, low_open=True, high_open=False)
    load, target = np.broadcast_arrays(load, target)
    flat_target = target.ravel()

    def enough(positions: IntArray, trunks: IntArray, blocking: FloatArray) -> BoolArray:
        return blocking <= flat_target[positions]

    start = np.zeros(load.shape, dtype=np.int64)
    return _increasing_search(load, start, load > 0, enough)


def _increasing_search(
    traffic: FloatArray, start: IntArray, active: BoolArray, is_enough: Criterion
) -> IntArray:
    """Smallest n >= start meeting `is_enough`, for every active cell at once.

    All arrays share one shape. Each step tests the cells still searching, then moves them
    one agent up, carrying Erlang B forward with its recursion (so a step costs O(cells)).
    Inactive cells keep `start`. Callers guarantee the criterion holds for some finite n.
    """
    flat_traffic = traffic.ravel()
    result = start.ravel().astype(np.int64)
    positions = np.flatnonzero(active.ravel())
    agents = result[positions]
    blocking = _erlang_b(flat_traffic[positions], agents)
    while positions.size:
        enough = is_enough(positions, agents, blocking)
        result[positions[enough]] = agents[enough]
        keep = ~enough
        positions, agents, blocking = positions[keep], agents[keep] + 1, blocking[keep]
        load = flat_traffic[positions]
        blocking = load * blocking / (agents + load * blocking)
    return result.reshape(traffic.shape)


# --------------------------------------------------------------------------------------
# Erlang C
# --------------------------------------------------------------------------------------


def _erlang_c(traffic: FloatArray, agents: IntArray, blocking: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = agents * blocking / (agents - traffic * (1.0 - blocking))
    return np.where(agents > traffic, wait, 1.0)


def _erlang_c_service_level(
    traffic: FloatArray,
    agents: IntArray,
    blocking: FloatArray,
    aht_seconds: FloatArray,
    threshold_seconds: FloatArray,
) -> FloatArray:
    wait = _erlang_c(traffic, agents, blocking)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(threshold_seconds > 0, (agents - traffic) / aht_seconds, 0.0)
        answered_late = wait * np.exp(-rate * threshold_seconds)
    return np.where(agents > traffic, 1.0 - answered_late, 0.0)


def erlang_c_wait_probability(traffic: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Erlang C probability that a call waits: n E_B / (n - A (1 - E_B)); 1 when n <= A."""
    load = _floats("traffic", traffic)
    staff = _counts("agents", agents)
    return _erlang_c(load, staff, _erlang_b(load, staff))


def service_level(
    traffic: ArrayLike, agents: ArrayLike, aht_seconds: ArrayLike, threshold_seconds: ArrayLike
) -> FloatArray:
    """Erlang C share of calls answered within the threshold (0-1).

    SL = 1 - P(wait) exp(-(n - A) T / AHT) for n > A; 0 when n <= A (the queue never
    empties). A = 10, n = 14, 80/20: 0.8884.
    """
    load = _floats("traffic", traffic)
    staff = _counts("agents", agents)
    return _erlang_c_service_level(
        load,
        staff,
        _erlang_b(load, staff),
        _floats("aht_seconds", aht_seconds),
        _floats("threshold_seconds", threshold_seconds),
    )


def average_speed_of_answer(
    traffic: ArrayLike, agents: ArrayLike, aht_seconds: ArrayLike
) -> FloatArray:
    """Erlang C mean wait in seconds over all calls: P(wait) AHT / (n - A); inf when n <= A."""
    load = _floats("traffic", traffic)
    staff = _counts("agents", agents)
    wait = _erlang_c(load, staff, _erlang_b(load, staff))
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = wait * _floats("aht_seconds", aht_seconds) / (staff - load)
    return np.where(staff > load, asa, np.inf)


def occupancy(traffic: ArrayLike, agents: ArrayLike) -> FloatArray:
    """Share of agent time spent handling calls, A / n, capped at 1; NaN with no agents."""
    load = _floats("traffic", traffic)
    staff = _counts("agents", agents)
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = np.minimum(load / staff, 1.0)
    return np.where(staff > 0, busy, np.nan)


def _fewest_agents_for_occupancy(traffic: FloatArray, max_occupancy: FloatArray) -> IntArray:
    """Smallest n with A / n <= max_occupancy, robust to 8.5 / 0.85 = 10.000000000000002."""
    agents = np.ceil(traffic / max_occupancy)
    one_less = np.maximum(agents - 1, 1)
    fits = (agents > 1) & (traffic / one_less <= max_occupancy)
    return np.where(fits, one_less, agents).astype(np.int64)


def required_agents(
    calls: ArrayLike,
    aht_seconds: ArrayLike,
    interval_seconds: ArrayLike,
    service_level_target: ArrayLike,
    threshold_seconds: ArrayLike,
    max_occupancy: ArrayLike | None = None,
) -> IntArray:
    """Fewest agents meeting the Erlang C service level (and the occupancy cap, if given).

    Returns whole agents on the phones (before shrinkage; see `scheduled_agents`). Zero
    calls need zero agents. The search starts at the smallest n > A (and n >= A / cap) and
    moves all intervals up together. 100 calls / 30 min, AHT 180 s, 80/20: 14 agents.
    """
    load = offered_load(calls, aht_seconds, interval_seconds)
    target = _fraction("service_level_target", service_level_target, low_open=True, high_open=True)
    cap = (
        np.ones(())
        if max_occupancy is None
        else _fraction("max_occupancy", max_occupancy, low_open=True, high_open=False)
    )
    load, aht, target, threshold, cap = np.broadcast_arrays(
        load,
        _floats("aht_seconds", aht_seconds),
        target,
        _floats("threshold_seconds", threshold_seconds),
        cap,
    )
    flat = [array.ravel() for array in (load, aht, target, threshold)]

    def enough(positions: IntArray, agents: IntArray, blocking: FloatArray) -> BoolArray:
        traffic, handle, goal, limit = (array[positions] for array in flat)
        return _erlang_c_service_level(traffic, agents, blocking, handle, limit) >= goal

    start = np.maximum(np.floor(load).astype(np.int64) + 1, _fewest_agents_for_occupancy(load, cap))
    busy = load > 0
    return _increasing_search(load, np.where(busy, start, 0), busy, enough)


def scheduled_agents(required: ArrayLike, shrinkage: ArrayLike) -> IntArray:
    """Agents to schedule so that `required` remain after shrinkage: ceil(n / (1 - s)).

    14 required at 30 % shrinkage: 14 / 0.7 = 20 scheduled.
    """
    needed = _floats("required", required)
    share = _fraction("shrinkage", shrinkage, low_open=False, high_open=True)
    return np.ceil(needed / (1.0 - share) - _CEIL_SLACK).astype(np.int64)


# --------------------------------------------------------------------------------------
# Erlang A (M/M/n+M)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangAMetrics:
    """Steady-state Erlang A (M/M/n+M) metrics of one interval per cell.

    - service_level: answered within T / offered (abandons count against it).
    - abandon_probability: abandoned / offered.
    - wait_probability: share of callers who find every agent busy (then wait or abandon).
    - asa_seconds: mean wait of answered calls (ASA as ACDs report it; zero waits count).
    - average_wait_seconds: mean time in queue over all offered calls, answered or not
      (= abandon_probability x mean patience, exactly).
    - occupancy: handled load / agents = A (1 - abandon_probability) / n.
    """

    service_level: FloatArray
    abandon_probability: FloatArray
    wait_probability: FloatArray
    asa_seconds: FloatArray
    average_wait_seconds: FloatArray
    occupancy: FloatArray


def _log_kummer(a: FloatArray, z: FloatArray) -> FloatArray:
    """log A(a, z) for a > 0, z >= 0, where A(a, z) = sum_k z^k / ((a+1)(a+2)...(a+k)).

    A(a, z) = a e^z z^-a gamma(a, z) = Gamma(a+1) e^z z^-a P(a, z) with P the regularized
    lower incomplete gamma function; this is the form used when P(a, z) is not tiny. When
    P(a, z) < 1e-100 (so z < a by a wide margin) that product would lose precision or
    underflow, but then the series terms fall geometrically and a few hundred terms give
    full precision (the series is summed directly; every term is <= 1).
    """
    result = np.zeros(a.shape)
    with np.errstate(divide="ignore"):
        lower = special.gammainc(a, z)
    direct = (z > 0) & (lower > _GAMMAINC_FLOOR)
    ad, zd = a[direct], z[direct]
    result[direct] = special.gammaln(ad + 1.0) + zd - ad * np.log(zd) + np.log(lower[direct])
    series = np.flatnonzero((z > 0) & ~direct)
    total = np.ones(series.size)
    term = np.ones(series.size)
    a_s, z_s = a[series], z[series]
    todo = np.arange(series.size)
    k = 0
    while todo.size:
        k += 1
        term = term * z_s / (a_s + k)
        total[todo] += term
        ratio = z_s / (a_s + k + 1)
        done = term * ratio / (1.0 - ratio) <= _SERIES_RTOL * total[todo]
        todo, term, a_s, z_s = todo[~done], term[~done], a_s[~done], z_s[~done]
    result[series] = np.log(total)
    return result


def _erlang_a(
    lam: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    agents: IntArray,
    threshold: FloatArray,
    blocking: FloatArray,
    *,
    with_waits: bool,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Erlang A metrics on flat arrays; `blocking` is Erlang B at (A, n).

    Returns (service level, P(abandon), P(wait), ASA, mean wait of all calls, occupancy);
    the two waits are NaN unless `with_waits`.
    """
    size = lam.size
    traffic = lam * aht
    sl, p_ab, p_wait = np.zeros(size), np.zeros(size), np.zeros(size)
    asa, mean_wait, occ = np.zeros(size), np.zeros(size), np.zeros(size)
    if not with_waits:
        asa[:], mean_wait[:] = np.nan, np.nan

    staffed = agents > 0
    # Nobody to answer: every caller waits; with finite patience all of them abandon.
    nobody = ~staffed
    sl[nobody], p_wait[nobody] = 0.0, 1.0
    p_ab[nobody] = np.where(np.isfinite(patience[nobody]), 1.0, 0.0)
    occ[nobody] = np.nan
    if with_waits:
        asa[nobody], mean_wait[nobody] = np.nan, patience[nobody]

    # No load: everyone is answered at once (the zeros already say so, SL aside).
    idle = staffed & (traffic == 0)
    sl[idle] = 1.0

    # Infinite patience: Erlang C.
    patient = staffed & (traffic > 0) & np.isinf(patience)
    a, n, e = traffic[patient], agents[patient], blocking[patient]
    sl[patient] = _erlang_c_service_level(a, n, e, aht[patient], threshold[patient])
    p_wait[patient] = _erlang_c(a, n, e)
    occ[patient] = np.minimum(a / n, 1.0)
    if with_waits:
        with np.errstate(divide="ignore", invalid="ignore"):
            c_asa = np.where(n > a, p_wait[patient] * aht[patient] / (n - a), np.inf)
        asa[patient], mean_wait[patient] = c_asa, c_asa

    # Zero patience: callers who find all agents busy leave at once (Erlang B loss system).
    hasty = staffed & (traffic > 0) & (patience == 0)
    e = blocking[hasty]
    sl[hasty], p_ab[hasty], p_wait[hasty] = 1.0 - e, e, e
    occ[hasty] = traffic[hasty] * (1.0 - e) / agents[hasty]

    regular = staffed & (traffic > 0) & (patience > 0) & np.isfinite(patience)
    if regular.any():
        values = _erlang_a_regular(
            lam[regular],
            aht[regular],
            patience[regular],
            agents[regular],
            threshold[regular],
            blocking[regular],
            with_waits=with_waits,
        )
        for target, value in zip((sl, p_ab, p_wait, asa, mean_wait, occ), values, strict=True):
            target[regular] = value
    return sl, p_ab, p_wait, asa, mean_wait, occ


def _erlang_a_regular(
    lam: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    agents: IntArray,
    threshold: FloatArray,
    blocking: FloatArray,
    *,
    with_waits: bool,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Erlang A for lam > 0, n >= 1 and 0 < patience < inf (formulas in `erlang_a_metrics`)."""
    theta = 1.0 / patience
    service_rate = agents / aht  # n mu
    x = agents * patience / aht  # n mu / theta
    y = lam * patience  # lambda / theta
    b = x + 1.0
    log_ay1 = _log_kummer(b, y)  # log A(x+1, y)
    log_ay = np.logaddexp(0.0, np.log(y) - np.log(b) + log_ay1)  # A(x,y) = 1 + y/(x+1) A(x+1,y)

    # P(wait) = A E / (1 + (A - 1) E) = 1 / (1 + (1 - E) / (E A)); E = 0 far above the load.
    with np.errstate(divide="ignore", over="ignore"):
        p_wait = 1.0 / (1.0 + np.exp(np.log1p(-blocking) - np.log(blocking) - log_ay))
    # P(answered | waits) = x A(x+1, y) / ((x+1) A(x, y))
    served_if_wait = np.exp(np.log(x) - np.log(b) + log_ay1 - log_ay)
    p_ab = p_wait * (1.0 - served_if_wait)

    # P(answered within T | waits) = P(answered | waits) (1 - exp(d)), with
    # d = log[gamma(x+1, z) / gamma(x+1, y)] and z = y exp(-theta T).
    z = y * np.exp(-theta * threshold)
    log_az1 = _log_kummer(b, z)
    d = log_az1 - log_ay1 - y * np.expm1(-theta * threshold) - (service_rate + theta) * threshold
    sl = (1.0 - p_wait) + p_wait * served_if_wait * -np.expm1(np.minimum(d, 0.0))

    occ = lam * aht * (1.0 - p_ab) / agents
    if not with_waits:
        nan = np.full(lam.shape, np.nan)
        return sl, p_ab, p_wait, nan, nan, occ
    # E[V exp(-theta V) | V > 0] = P(answered | waits) (1/(x+1) - d/da log A(a, y)|a=x+1) / theta
    # (V: the wait of a caller with infinite patience). The derivative is a central
    # difference; log A varies on a scale of at least sqrt(a), so h = 1e-3 sqrt(a) is safe.
    step = 1e-3 * np.sqrt(b)
    slope = (_log_kummer(b + step, y) - _log_kummer(b - step, y)) / (2.0 * step)
    answered_wait = p_wait * served_if_wait * (1.0 / b - slope) / theta
    asa = answered_wait / (1.0 - p_ab)
    mean_wait = p_ab * patience
    return sl, p_ab, p_wait, asa, mean_wait, occ


def _erlang_a_inputs(
    calls: ArrayLike,
    aht_seconds: ArrayLike,
    interval_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    threshold_seconds: ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    lam = _floats("calls", calls) / _positive("interval_seconds", interval_seconds)
    return (
        lam,
        _floats("aht_seconds", aht_seconds),
        _floats("patience_seconds", patience_seconds, allow_inf=True),
        _floats("threshold_seconds", threshold_seconds),
    )


def erlang_a_metrics(
    calls: ArrayLike,
    aht_seconds: ArrayLike,
    interval_seconds: ArrayLike,
    agents: ArrayLike,
    patience_seconds: ArrayLike,
    threshold_seconds: ArrayLike,
) -> ErlangAMetrics:
    """Erlang A (M/M/n+M): Poisson calls, exponential handling and exponential patience.

    Exact steady-state formulas (Palm; Garnett, Mandelbaum & Reiman 2002; Mandelbaum &
    Zeltyn's Erlang-A notes). With lambda = calls / interval, mu = 1 / AHT,
    theta = 1 / patience, x = n mu / theta, y = lambda / theta, E = Erlang B(n, lambda / mu)
    and A(x, y) = sum_k y^k / ((x+1)...(x+k)) = x e^y y^-x gamma(x, y):

    - P(wait) = A(x, y) E / (1 + (A(x, y) - 1) E)
    - P(answered | wait) = x A(x+1, y) / ((x+1) A(x, y)), so
      P(abandon) = P(wait) (1 - P(answered | wait)) (equal to 1/(rho A) + 1 - 1/rho
      given a wait, rho = lambda / (n mu), in GMR's form)
    - a caller's offered wait V (the wait with infinite patience), given V > 0, has
      P(V > t | V > 0) = gamma(x, y e^-theta t) / gamma(x, y); the caller is answered iff
      patience >= V, so P(answered within T | wait) = [gamma(x+1, y) - gamma(x+1, y e^-theta T)]
      / (y gamma(x, y)) and
      SL = 1 - P(wait) + P(wait) P(answered within T | wait)   (answered within T / offered)
    - ASA (answered calls) = P(wait) E[V e^-theta V | V > 0] / (1 - P(abandon)), the mean
      coming from the Laplace transform E[e^-sV | V > 0] = y^-s/theta gamma(x + s/theta, y) /
      gamma(x, y); mean wait over all calls = P(abandon) / theta (Little's law on abandons).

    Everything is evaluated in log space (scipy's regularized incomplete gamma, switching
    to the power series where it would underflow), so hundreds of agents and long
    patience are fine. Infinite patience gives Erlang C; zero patience gives the Erlang B
    loss system; zero agents answer nobody.
    """
    lam, aht, patience, threshold = _erlang_a_inputs(
        calls, aht_seconds, interval_seconds, patience_seconds, threshold_seconds
    )
    lam, aht, patience, staff, threshold = np.broadcast_arrays(
        lam, aht, patience, _counts("agents", agents), threshold
    )
    flat = [array.ravel() for array in (lam, aht, patience, staff, threshold)]
    blocking = _erlang_b(flat[0] * flat[1], flat[3])
    values = _erlang_a(*flat, blocking, with_waits=True)
    return ErlangAMetrics(*(value.reshape(lam.shape) for value in values))


def erlang_a_required_agents(
    calls: ArrayLike,
    aht_seconds: ArrayLike,
    interval_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    service_level_target: ArrayLike,
    threshold_seconds: ArrayLike,
    max_occupancy: ArrayLike | None = None,
) -> IntArray:
    """Fewest agents meeting the Erlang A service level (answered within T / offered).

    With the occupancy cap, occupancy = A (1 - P(abandon)) / n must not exceed it. As the
    service level cannot exceed the share of load n agents can carry (n / A), the search
    starts at floor(target x A) and moves all intervals up together. Infinite patience
    reproduces `required_agents`.
    """
    lam, aht, patience, threshold = _erlang_a_inputs(
        calls, aht_seconds, interval_seconds, patience_seconds, threshold_seconds
    )
    target = _fraction("service_level_target", service_level_target, low_open=True, high_open=True)
    cap = (
        np.full((), np.inf)
        if max_occupancy is None
        else _fraction("max_occupancy", max_occupancy, low_open=True, high_open=False)
    )
    lam, aht, patience, threshold, target, cap = np.broadcast_arrays(
        lam, aht, patience, threshold, target, cap
    )
    load = lam * aht
    flat = [array.ravel() for array in (lam, aht, patience, threshold, target, cap)]

    def enough(positions: IntArray, agents: IntArray, blocking: FloatArray) -> BoolArray:
        rate, handle, wait_limit, limit, goal, ceiling = (array[positions] for array in flat)
        sl, _, _, _, _, occ = _erlang_a(
            rate, handle, wait_limit, agents, limit, blocking, with_waits=False
        )
        return (sl >= goal) & (occ <= ceiling)

    start = np.floor(target * load).astype(np.int64)
    busy = load > 0
    return _increasing_search(load, np.where(busy, start, 0), busy, enough)


def estimate_patience_seconds(
    abandoned_wait_seconds_total: ArrayLike,
    abandoned_count: ArrayLike,
    answered_wait_seconds_total: ArrayLike,
    *,
    min_abandons: int = 1,
) -> FloatArray:
    """Mean caller patience (seconds) for Erlang A, from queue waits already observed.

    Patience is assumed exponential. An abandoned call shows its patience exactly (it
    waited that long); an answered call only shows that its patience exceeded its wait (a
    right-censored observation). The likelihood prod_abandoned theta e^(-theta w) x
    prod_answered e^(-theta w) is maximal at

        mean patience = 1 / theta = (sum of waits of all calls, abandoned or answered)
                                    / (number of abandoned calls)

    Calls answered without waiting add nothing, so the answered total can include them.
    Pool a queue over weeks rather than one interval; filter very short abandons (ghost
    calls) upstream if the ACD logs them. Returns NaN where fewer than `min_abandons`
    calls abandoned (with none the estimate is unbounded; pass `np.inf` to the Erlang A
    functions deliberately to fall back to Erlang C).
    """
    abandoned_total = _floats("abandoned_wait_seconds_total", abandoned_wait_seconds_total)
    abandons = _floats("abandoned_count", abandoned_count)
    answered_total = _floats("answered_wait_seconds_total", answered_wait_seconds_total)
    if min_abandons < 1:
        raise ValueError(f"min_abandons must be at least 1, got {min_abandons}.")
    with np.errstate(divide="ignore", invalid="ignore"):
        patience = (abandoned_total + answered_total) / abandons
    return np.where(abandons >= min_abandons, patience, np.nan)
