"""Who calls and when: daily volumes, non-homogeneous Poisson arrivals, caller numbers.

Arrivals are generated per 5-minute slot of real (UTC) time across the local day, with the
rate taken at the slot's local clock time, so the repeated autumn hour gets its traffic
twice and the skipped spring hour none. A pool of known customers (Zipf-like: a few call
often) makes repeat contacts; the rest are one-off numbers.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

from orchestration.simulator.profiles import (
    CenterProfile,
    QueueSpec,
    intraday_weight,
    weekday_calls,
)
from orchestration.simulator.writers import LocalClock

SLOT_SECONDS = 300


def spanish_number(py: random.Random) -> str:
    """A Spanish national number: mobile 6xx/7xx or geographic 9xx."""
    u = py.random()
    first = "6" if u < 0.62 else "7" if u < 0.70 else "9"
    second = str(py.randint(1, 8)) if first == "9" else str(py.randint(0, 9))
    return first + second + f"{py.randrange(10_000_000):07d}"


class CustomerPool:
    """Known customers' phone numbers; low indexes call far more often than high ones."""

    def __init__(self, size: int, rng: np.random.Generator) -> None:
        py = random.Random(int(rng.integers(2**62)))
        numbers: dict[str, None] = {}
        while len(numbers) < size:
            numbers[spanish_number(py)] = None
        self.numbers = list(numbers)

    def pick(self, py: random.Random) -> str:
        return self.numbers[int(len(self.numbers) * py.random() ** 1.8)]


def caller_number(pool: CustomerPool, profile: CenterProfile, py: random.Random) -> str:
    u = py.random()
    if u < profile.withheld_number_share:
        return "anonymous"
    if u < profile.withheld_number_share + profile.repeat_caller_share:
        return pool.pick(py)
    return spanish_number(py)


def is_billing_cycle(day: date) -> bool:
    """The first three working days (Mon-Fri) of the month, when invoices arrive."""
    working = 0
    d = day.replace(day=1)
    while d <= day:
        if d.isoweekday() <= 5:
            working += 1
        d += timedelta(days=1)
    return day.isoweekday() <= 5 and working <= 3


def day_volumes(
    specs: Sequence[QueueSpec],
    profile: CenterProfile,
    demand_agents: int,
    day: date,
    rng: np.random.Generator,
) -> list[float]:
    """Expected queue calls of each queue on `day` (before Poisson noise)."""
    factor = profile.weekday_factor.get(day.isoweekday(), 0.0)
    if factor <= 0 or profile.opening.hours(day.isoweekday()) is None:
        return [0.0] * len(specs)
    base = weekday_calls(profile, specs, demand_agents) * factor
    base *= math.exp(rng.normal(0.0, profile.day_noise_sigma))
    total_share = sum(s.volume_share for s in specs)
    incident = rng.random() < profile.support_incident_probability
    volumes = []
    for spec in specs:
        v = base * spec.volume_share / total_share * math.exp(rng.normal(0.0, 0.04))
        if spec.name == "billing" and is_billing_cycle(day):
            v *= profile.billing_cycle_boost
        if spec.name == "support" and incident:
            v *= 1.35
        volumes.append(v)
    return volumes


def day_arrivals(
    specs: Sequence[QueueSpec],
    profile: CenterProfile,
    clock: LocalClock,
    day: date,
    volumes: Sequence[float],
    rng: np.random.Generator,
) -> list[tuple[int, int]]:
    """(epoch, queue index) of every first call of the day, sorted."""
    hours = profile.opening.hours(day.isoweekday())
    if hours is None or not any(volumes):
        return []
    open_min, close_min = hours
    start, end = clock.midnight(day), clock.midnight(day + timedelta(days=1))
    slot_starts = np.arange(start, end, SLOT_SECONDS, dtype=np.int64)
    minutes = [clock.local_minutes(int(s) + SLOT_SECONDS // 2) for s in slot_starts]
    weekend = day.isoweekday() >= 6
    arrivals: list[tuple[int, int]] = []
    for q, (spec, volume) in enumerate(zip(specs, volumes, strict=True)):
        weights = np.array(
            [
                intraday_weight(m / 60.0, open_min, close_min, spec.afternoon_weight, weekend)
                for m in minutes
            ]
        )
        # The last slot before closing may straddle it: arrivals never come after close.
        total = weights.sum()
        if total <= 0 or volume <= 0:
            continue
        counts = rng.poisson(volume * weights / total)
        times = np.repeat(slot_starts, counts) + rng.integers(0, SLOT_SECONDS, counts.sum())
        arrivals.extend((int(t), q) for t in times)
    close = clock.epoch_of(day, close_min)
    first_open = clock.epoch_of(day, open_min)
    arrivals = [(t, q) for t, q in arrivals if first_open <= t < close]
    arrivals.sort()
    return arrivals


def trunk_incident(
    profile: CenterProfile, clock: LocalClock, day: date, py: random.Random
) -> tuple[int, int] | None:
    """A window of trunk trouble (busy/congestion for a share of calls), or None."""
    hours = profile.opening.hours(day.isoweekday())
    if hours is None or py.random() >= profile.trunk_incident_probability:
        return None
    open_min, close_min = hours
    begin = clock.epoch_of(day, py.uniform(open_min, max(open_min, close_min - 40)))
    return begin, begin + py.randint(10, 40) * 60


def slot_expected_calls(
    specs: Sequence[QueueSpec],
    profile: CenterProfile,
    day: date,
    volumes: Sequence[float],
    slot_minutes: int = 30,
) -> dict[str, dict[int, float]]:
    """The day's own arrival rates: expected first calls per queue and local slot (before the
    Poisson draw of `day_arrivals`, whose 5-minute rates this integrates at their midpoints).

    {queue name: {local minute a slot starts: expected calls}}; empty when closed. For staffing
    experiments (the Erlang closed loop), which staff the simulator for what it will send.
    """
    hours = profile.opening.hours(day.isoweekday())
    if hours is None or not any(volumes):
        return {}
    open_min, close_min = hours
    weekend = day.isoweekday() >= 6
    step = SLOT_SECONDS // 60
    starts = list(range(open_min - open_min % slot_minutes, close_min, slot_minutes))
    out: dict[str, dict[int, float]] = {}
    for spec, volume in zip(specs, volumes, strict=True):
        weights = [
            sum(
                intraday_weight(
                    (m + step * k + step / 2) / 60.0,
                    open_min,
                    close_min,
                    spec.afternoon_weight,
                    weekend,
                )
                for k in range(slot_minutes // step)
            )
            for m in starts
        ]
        total = sum(weights)
        if total <= 0 or volume <= 0:
            continue
        out[spec.name] = {m: volume * w / total for m, w in zip(starts, weights, strict=True)}
    return out
