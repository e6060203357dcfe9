"""What the simulated center looks like: queues, opening hours, arrival curves, distributions.

Everything here is data and small pure functions; the engine (`model.py`) only reads it.
Numbers are chosen so that the default center (3 queues, 40 agents) behaves like a
believable Spanish inbound center: 1,200-2,000 queue calls per weekday, daily service
level mostly 70-90 %, abandonment 3-10 %, AHT 4-7 minutes, occupancy 70-85 %.

Durations are lognormal (median, sigma of the underlying normal) in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

# Queues the seeds know (seeds/queue_config.csv): label, extension, service level seconds.
KNOWN_QUEUES: dict[str, tuple[str, int, int]] = {
    "sales": ("Ventas", 6001, 20),
    "support": ("Soporte", 6002, 30),
    "billing": ("Facturación", 6003, 20),
}
FIRST_EXTRA_EXTENSION = 6004
REFERENCE_AGENTS = 40  # the center size the numbers below are calibrated for


@dataclass(frozen=True)
class QueueSpec:
    """One Asterisk queue and the behaviour of its callers and agents."""

    name: str
    label: str
    extension: int
    service_level_seconds: int
    strategy: str  # rrmemory | leastrecent
    maxlen: int
    volume_share: float  # relative share of the center's calls
    afternoon_weight: float  # height of the afternoon peak relative to the morning one
    talk: tuple[float, float]  # lognormal (median s, sigma)
    hold_probability: float  # share of answered calls put on hold at least once
    second_hold_probability: float
    hold: tuple[float, float]
    acw: tuple[float, float]
    patience: tuple[float, float]  # caller patience in the queue
    short_patience_share: float  # callers who hang up within a few seconds
    callback_key_probability: float  # per periodic announcement, caller presses 1
    blind_transfer_share: float
    blind_to_queue_share: float  # of blind transfers, share sent to another queue
    attended_transfer_share: float
    agent_hangup_share: float  # COMPLETEAGENT vs COMPLETECALLER


def _known_spec(name: str, label: str, extension: int, sl: int) -> QueueSpec:
    if name == "sales":
        return QueueSpec(
            name,
            label,
            extension,
            sl,
            strategy="rrmemory",
            maxlen=7,
            volume_share=0.36,
            afternoon_weight=0.95,
            talk=(190.0, 0.55),
            hold_probability=0.12,
            second_hold_probability=0.2,
            hold=(35.0, 0.6),
            acw=(33.0, 0.55),
            patience=(115.0, 1.0),
            short_patience_share=0.02,
            callback_key_probability=0.04,
            blind_transfer_share=0.035,
            blind_to_queue_share=0.6,
            attended_transfer_share=0.01,
            agent_hangup_share=0.35,
        )
    if name == "support":
        return QueueSpec(
            name,
            label,
            extension,
            sl,
            strategy="leastrecent",
            maxlen=9,
            volume_share=0.44,
            afternoon_weight=0.8,
            talk=(265.0, 0.6),
            hold_probability=0.35,
            second_hold_probability=0.3,
            hold=(45.0, 0.6),
            acw=(56.0, 0.55),
            patience=(170.0, 1.0),
            short_patience_share=0.015,
            callback_key_probability=0.06,
            blind_transfer_share=0.05,
            blind_to_queue_share=0.5,
            attended_transfer_share=0.03,
            agent_hangup_share=0.4,
        )
    return QueueSpec(
        name,
        label,
        extension,
        sl,
        strategy="rrmemory",
        maxlen=5,
        volume_share=0.20,
        afternoon_weight=0.65,
        talk=(222.0, 0.5),
        hold_probability=0.25,
        second_hold_probability=0.25,
        hold=(40.0, 0.6),
        acw=(46.0, 0.55),
        patience=(140.0, 1.0),
        short_patience_share=0.02,
        callback_key_probability=0.05,
        blind_transfer_share=0.04,
        blind_to_queue_share=0.55,
        attended_transfer_share=0.015,
        agent_hangup_share=0.35,
    )


def _extra_spec(name: str, extension: int) -> QueueSpec:
    return QueueSpec(
        name,
        name.replace("_", " ").title(),
        extension,
        20,
        strategy="rrmemory",
        maxlen=8,
        volume_share=0.22,
        afternoon_weight=0.8,
        talk=(250.0, 0.55),
        hold_probability=0.2,
        second_hold_probability=0.25,
        hold=(45.0, 0.6),
        acw=(35.0, 0.55),
        patience=(120.0, 1.0),
        short_patience_share=0.02,
        callback_key_probability=0.05,
        blind_transfer_share=0.04,
        blind_to_queue_share=0.5,
        attended_transfer_share=0.015,
        agent_hangup_share=0.35,
    )


def queue_specs(names: Sequence[str], n_agents: int = 40) -> list[QueueSpec]:
    """Specs for the queues asked for, in the order given. Unknown names get 6004, 6005, ...

    `maxlen` is set for a 40-agent center and grows with the center's size.
    """
    if not names:
        raise ValueError("simulate: give at least one queue name (e.g. sales,support,billing)")
    if len(set(names)) != len(names):
        raise ValueError(f"simulate: queue names must be unique, got {list(names)}")
    specs: list[QueueSpec] = []
    next_extension = FIRST_EXTRA_EXTENSION
    for name in names:
        if not name or any(c in name for c in '|,\n"[] '):
            raise ValueError(f"simulate: queue name {name!r} must be a plain word")
        if name in KNOWN_QUEUES:
            label, extension, sl = KNOWN_QUEUES[name]
            specs.append(_known_spec(name, label, extension, sl))
        else:
            specs.append(_extra_spec(name, next_extension))
            next_extension += 1
    scale = max(1.0, n_agents / REFERENCE_AGENTS)
    return [replace(spec, maxlen=int(round(spec.maxlen * scale))) for spec in specs]


@dataclass(frozen=True)
class OpeningHours:
    """Local opening hours per ISO weekday (1 = Monday); None = closed. Minutes after midnight."""

    by_weekday: dict[int, tuple[int, int] | None] = field(
        default_factory=lambda: {
            1: (8 * 60, 21 * 60),
            2: (8 * 60, 21 * 60),
            3: (8 * 60, 21 * 60),
            4: (8 * 60, 21 * 60),
            5: (8 * 60, 21 * 60),
            6: (9 * 60, 14 * 60),
            7: None,
        }
    )

    def hours(self, iso_weekday: int) -> tuple[int, int] | None:
        return self.by_weekday.get(iso_weekday)


@dataclass(frozen=True)
class CenterProfile:
    """Demand and behaviour of the whole center; `simulate()` uses the default."""

    opening: OpeningHours = field(default_factory=OpeningHours)
    # Queue calls per agent on an average weekday: the center is staffed for its demand.
    calls_per_agent_weekday: float = 40.0
    # Demand relative to an average weekday (ISO weekday → factor).
    weekday_factor: dict[int, float] = field(
        default_factory=lambda: {1: 1.1, 2: 1.03, 3: 1.0, 4: 0.98, 5: 0.89, 6: 0.25, 7: 0.0}
    )
    day_noise_sigma: float = 0.06  # day-to-day demand noise (lognormal sigma)
    billing_cycle_boost: float = 1.35  # billing calls on the first 3 working days of a month
    support_incident_probability: float = 0.05  # a day with a service incident (+35 % support)
    # Calls lost before any queue (CDR rows only).
    trunk_busy_probability: float = 0.0035
    trunk_congestion_probability: float = 0.001
    trunk_failed_probability: float = 0.0006
    welcome_hangup_probability: float = 0.006  # caller hangs up during the welcome message
    trunk_incident_probability: float = 0.12  # per day: a 10-40 min window of trunk trouble
    trunk_incident_loss: float = 0.3
    withheld_number_share: float = 0.008
    redial_after_abandon_probability: float = 0.4
    repeat_caller_share: float = 0.55  # calls from the pool of known (repeat) customers
    queue_timeout_seconds: int = 300  # Queue(...,300) in the dialplan
    member_ring_timeout_seconds: int = 15  # queues.conf timeout
    retry_seconds: int = 5  # queues.conf retry
    periodic_announce_seconds: int = 45  # callback offer ("press 1")
    absence_probability: float = 0.035  # an agent misses a scheduled day
    strict_close_probability: float = 0.15  # evenings the closers leave on time, callers or not
    saturday_staff_share: float = 0.38  # agents on the Saturday rota each week
    # Agent pauses: per queue (PauseQueueMember with a queue name, PAUSE lines only), or
    # in all queues at once (no queue name: PAUSEALL + one PAUSE per queue, as app_queue.c).
    pause_all_queues: bool = False


PEAK_STAFF_SHARE = 0.68  # share of the roster logged in at the daily peak
SQRT_STAFFING_BETA = 1.2  # N = A + beta * sqrt(A) at the service-level target


def pooling_factor(n_agents: int) -> float:
    """Calls per agent relative to the reference center, for the same service level.

    Larger groups reach the same service level at higher occupancy (Erlang economies of
    scale): with square-root staffing N = A + beta*sqrt(A), the traffic A a peak staff N
    can carry grows faster than N. A planner sizes demand, so a 150-agent center gets more
    calls per agent than a 12-agent one.
    """

    def carried(agents: float) -> float:
        staff = max(1.0, agents * PEAK_STAFF_SHARE)
        beta = SQRT_STAFFING_BETA
        root = (-beta + math.sqrt(beta * beta + 4 * staff)) / 2
        return max(root, 0.1) ** 2 / staff

    return carried(n_agents) / carried(REFERENCE_AGENTS)


def mean_handle_seconds(specs: Sequence[QueueSpec]) -> float:
    """Expected talk + hold + ACW of a call, over the queues' volume mix."""

    def mean(params: tuple[float, float]) -> float:
        return params[0] * math.exp(params[1] ** 2 / 2)

    total = sum(s.volume_share for s in specs)
    return sum(
        s.volume_share
        / total
        * (
            mean(s.talk)
            + s.hold_probability * (1 + s.second_hold_probability) * mean(s.hold)
            + mean(s.acw)
        )
        for s in specs
    )


def weekday_calls(profile: CenterProfile, specs: Sequence[QueueSpec], n_agents: int) -> float:
    """Queue calls on an average weekday for a center of `n_agents` (before weekday factors).

    `calls_per_agent_weekday` holds for the reference center (40 agents, the sales/support/
    billing mix); other sizes pool differently (`pooling_factor`) and other mixes take longer
    or shorter per call, so demand is scaled to keep the same workload per agent.
    """
    reference = mean_handle_seconds(queue_specs(list(KNOWN_QUEUES)))
    per_agent = profile.calls_per_agent_weekday * reference / mean_handle_seconds(specs)
    return per_agent * pooling_factor(n_agents) * n_agents


def intraday_weight(
    local_hour: float, open_min: int, close_min: int, afternoon: float, saturday: bool
) -> float:
    """Relative arrival rate at a local clock hour; 0 when closed.

    Weekdays: a mid-morning peak (~11:15), the Spanish lunch dip (~14:45) and an afternoon
    peak (~17:15); Saturdays a single late-morning peak. The first half hour ramps up.
    """
    minute = local_hour * 60.0
    if minute < open_min or minute >= close_min:
        return 0.0
    if saturday:
        w = 0.45 + 1.0 * _bell(local_hour, 11.3, 1.3)
    else:
        w = (
            0.42
            + 1.0 * _bell(local_hour, 11.25, 1.5)
            + afternoon * 0.8 * _bell(local_hour, 17.0, 1.5)
            - 0.1 * _bell(local_hour, 14.75, 0.6)
        )
    since_open = minute - open_min
    if since_open < 30:
        w *= 0.55 + 0.45 * since_open / 30.0
    return max(w, 0.02)


def _bell(x: float, mu: float, sd: float) -> float:
    return math.exp(-0.5 * ((x - mu) / sd) ** 2)
