"""Entry point: build the center, simulate day after day, write the landing folder."""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from tqdm import tqdm

from orchestration.simulator.companions import CompanionContext, companion_factories
from orchestration.simulator.demand import (
    CustomerPool,
    caller_number,
    day_arrivals,
    day_volumes,
    slot_expected_calls,
    trunk_incident,
)
from orchestration.simulator.lanes import Lanes
from orchestration.simulator.model import Counters, DayEngine, DayInput, DayOutput, DayStats
from orchestration.simulator.profiles import CenterProfile, queue_specs, weekday_calls
from orchestration.simulator.workforce import build_roster, plan_day, staffed_plans
from orchestration.simulator.writers import DayFiles, LocalClock, write_queues_conf, write_roster

DEFAULT_QUEUES = ("sales", "support", "billing")


@dataclass(frozen=True)
class SimulationSummary:
    """What a run wrote. `calls` counts queue visits (ENTERQUEUE lines)."""

    calls: int
    answered: int
    abandoned: int
    lost_before_queue: int
    events: int  # queue_log lines
    cdr_rows: int
    agents: int
    days: int
    files: list[Path]
    seconds: float


@dataclass(frozen=True)
class SimulationConfig:
    """Everything a run depends on. `demand_agents` sizes demand (default: `agents`)."""

    out_dir: Path
    days: int = 28
    agents: int = 40
    queues: tuple[str, ...] = DEFAULT_QUEUES
    seed: int = 42
    start: date = date(2026, 10, 5)
    site_time_zone: str = "Europe/Madrid"
    site_id: str = "MAD"
    progress: bool = True
    profile: CenterProfile = field(default_factory=CenterProfile)
    demand_agents: int | None = None
    # the other systems' extracts (orchestration/simulator/companions); False: the PBX only
    companions: bool = True
    # staffing experiments: (day, the day's expected calls {queue: {slot minute: calls}},
    # demand.slot_expected_calls) -> {local minute of a 30-minute slot: agents on the phones};
    # replaces the roster's shifts, breaks and absences (workforce.staffed_plans)
    staffing: Callable[[date, dict[str, dict[int, float]]], dict[int, int]] | None = None
    # processes: this one (the PBX) plus jobs - 1 running companions (orchestration/simulator/
    # lanes.py); None: one per available core, except for small runs. Same files for any value.
    jobs: int | None = None


def simulate(
    out_dir: Path,
    *,
    days: int = 28,
    agents: int = 40,
    queues: Sequence[str] = DEFAULT_QUEUES,
    seed: int = 42,
    start: date = date(2026, 10, 5),
    site_time_zone: str = "Europe/Madrid",
    progress: bool = True,
    jobs: int | None = None,
) -> SimulationSummary:
    """Simulate `days` days of a center of `agents` agents and write its landing files.

    Demand is sized to the staff (a center planned for its headcount): about 40 queue
    calls per agent on an average weekday. Deterministic for a seed, whatever `jobs` (the
    processes to use; default: one per core for runs large enough to gain from them).
    """
    config = SimulationConfig(
        out_dir=Path(out_dir),
        days=days,
        agents=agents,
        queues=tuple(queues),
        seed=seed,
        start=start,
        site_time_zone=site_time_zone,
        progress=progress,
        jobs=jobs,
    )
    return run_simulation(config)


# below this many agent-days a second process costs more to start than it saves
PARALLEL_AGENT_DAYS = 600


def default_jobs(days: int, agents: int) -> int:
    """Processes for a run: one per core available to this process; one for small runs."""
    if days * agents < PARALLEL_AGENT_DAYS:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


def run_simulation(cfg: SimulationConfig) -> SimulationSummary:
    began = time.perf_counter()
    if cfg.days < 1:
        raise ValueError(f"simulate: days must be at least 1, got {cfg.days}")
    demand_agents = cfg.demand_agents or cfg.agents
    specs = queue_specs(cfg.queues, demand_agents)
    clock = LocalClock(cfg.site_time_zone)
    profile = cfg.profile
    roster = build_roster(
        cfg.agents, specs, profile, cfg.start, np.random.default_rng([cfg.seed, 0])
    )
    expected_calls = weekday_calls(profile, specs, demand_agents) * cfg.days * 5 / 7
    pool = CustomerPool(max(100, int(expected_calls * 0.35)), np.random.default_rng([cfg.seed, 2]))
    counters = Counters(channel=int(np.random.default_rng([cfg.seed, 3]).integers(100, 5000)))

    out = Path(cfg.out_dir)
    conf_path = out / "asterisk" / "queues.conf"
    roster_path = out / "roster" / "agents.csv"
    write_queues_conf(conf_path, specs, profile)
    write_roster(roster_path, roster, cfg.site_id)
    qlog = DayFiles(out / "asterisk" / "queue_log", "queue_log-{:%Y%m%d}", clock)
    cdr = DayFiles(out / "asterisk" / "cdr", "Master-{:%Y%m%d}.csv", clock)

    context = CompanionContext(
        out_dir=out,
        start=cfg.start,
        days=cfg.days,
        seed=cfg.seed,
        site_id=cfg.site_id,
        site_time_zone=cfg.site_time_zone,
        roster=roster,
        specs=specs,
        profile=profile,
        clock=clock,
        known_customers=list(pool.numbers),
    )
    jobs = cfg.jobs if cfg.jobs is not None else default_jobs(cfg.days, cfg.agents)
    if jobs < 1:
        raise ValueError(f"simulate: jobs must be at least 1, got {jobs}")
    companions = Lanes(context, companion_factories() if cfg.companions else [], jobs)
    try:
        total = DayStats()
        first_monday = cfg.start - timedelta(days=cfg.start.isoweekday() - 1)
        days = tqdm(
            range(cfg.days),
            desc="simulating",
            unit="day",
            file=sys.stderr,
            disable=not cfg.progress,
            leave=False,
        )
        for i in days:
            day = cfg.start + timedelta(days=i)
            rng = np.random.default_rng([cfg.seed, 1, i])
            py = random.Random(int(rng.integers(2**62)))
            day_start, day_end = clock.midnight(day), clock.midnight(day + timedelta(days=1))
            volumes = day_volumes(specs, profile, demand_agents, day, rng)
            arrivals = [
                (t, q, caller_number(pool, profile, py))
                for t, q in day_arrivals(specs, profile, clock, day, volumes, rng)
            ]
            hours = profile.opening.hours(day.isoweekday())
            close = clock.epoch_of(day, hours[1]) if hours else day_start
            week = (day - first_monday).days // 7
            plans = plan_day(roster, profile, clock, day, week, len(specs), py)
            if cfg.staffing is not None:
                rates = slot_expected_calls(specs, profile, day, volumes)
                plans = staffed_plans(cfg.staffing(day, rates), len(roster), clock, day, len(specs))
            engine = DayEngine(
                specs,
                roster,
                profile,
                clock,
                DayInput(
                    day_start,
                    day_end,
                    close,
                    arrivals,
                    plans,
                    trunk_incident(profile, clock, day, py),
                ),
                counters,
                py,
            )
            result = engine.run()
            # the companions see the day's calls (not the PBX's lines): the same in every lane
            companions.on_day(day, plans, DayOutput(stats=result.stats, calls=result.calls))
            qlog.add(result.queue_log, day, day_start, day_end)
            cdr.add(result.cdr, day, day_start, day_end)
            # A day's file is complete once the next day has run (it may add a late login).
            qlog.flush(day - timedelta(days=1))
            cdr.flush(day - timedelta(days=1))
            for name in (
                "calls",
                "answered",
                "abandoned",
                "lost_before_queue",
                "events",
                "cdr_rows",
            ):
                setattr(total, name, getattr(total, name) + getattr(result.stats, name))
        qlog.flush(date.max)
        cdr.flush(date.max)
        extra = companions.finish()
    except BaseException:
        companions.close()
        raise
    files = sorted([conf_path, roster_path, *qlog.written, *cdr.written, *extra])
    return SimulationSummary(
        calls=total.calls,
        answered=total.answered,
        abandoned=total.abandoned,
        lost_before_queue=total.lost_before_queue,
        events=total.events,
        cdr_rows=total.cdr_rows,
        agents=cfg.agents,
        days=cfg.days,
        files=files,
        seconds=time.perf_counter() - began,
    )
