"""Companion sources: what the center's other systems export about the same days, customers
and agents as the simulated PBX (CRM, surveys, digital channels, outbound, workforce, quality,
HR, finance).

Each module of this package that defines ``make(ctx: CompanionContext) -> Companion`` is a
companion; `run_simulation` builds them all (in module-name order), calls ``on_day`` after
each simulated day with that day's agent plans and voice calls (``output.calls`` and
``output.stats``; the PBX's queue_log and CDR lines stay with its writer), and ``finish`` once
at the end, which writes the companion's landing files and returns their paths. A companion
draws its randomness only from ``ctx.rng(name)`` and shares no state with the others or with
the simulation, so the whole landing folder stays deterministic for a seed and a companion
may run in another process (`orchestration/simulator/lanes.py`, ``--jobs``); it keeps per-day
state small (a year of a 300-agent center is ~5 M calls).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from orchestration.simulator.model import DayOutput, VoiceCall

if TYPE_CHECKING:
    from orchestration.simulator.profiles import CenterProfile, QueueSpec
    from orchestration.simulator.workforce import AgentDay, AgentSpec
    from orchestration.simulator.writers import LocalClock


def voice_calls(output: DayOutput) -> list[VoiceCall]:
    """The day's CDR rows as `VoiceCall`s, in the order the PBX wrote them."""
    return output.calls


@dataclass(frozen=True)
class CompanionContext:
    out_dir: Path  # the landing folder
    start: date
    days: int
    seed: int
    site_id: str
    site_time_zone: str
    roster: list[AgentSpec]
    specs: list[QueueSpec]
    profile: CenterProfile
    clock: LocalClock
    known_customers: list[str]  # phone numbers of the repeat callers' pool

    def rng(self, name: str) -> np.random.Generator:
        """A generator for `name`, independent of the voice simulation's and of the others'."""
        key = int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "little")
        return np.random.default_rng([self.seed, 7, key])


class Companion(Protocol):
    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None: ...

    def finish(self) -> list[Path]: ...


def companion_factories() -> list[tuple[str, Callable[[CompanionContext], Companion]]]:
    """Every module of this package with a ``make`` function, in name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if callable(getattr(module, "make", None)):
            found.append((info.name, module.make))
    return found
