"""Companion sources: what the center's other systems export about the same days, customers
and agents as the simulated PBX (CRM, surveys, digital channels, outbound, workforce, quality,
HR, finance).

Each module of this package that defines ``make(ctx: CompanionContext) -> Companion`` is a
companion; `run_simulation` builds them all (in module-name order), calls ``on_day`` after
each simulated day with that day's agent plans and voice calls, and ``finish`` once at the end,
which writes the companion's landing files and returns their paths. A companion draws its
randomness only from ``ctx.rng(name)`` so the whole landing folder stays deterministic for a
seed, and keeps per-day state small (a year of a 300-agent center is ~5 M calls).
"""

from __future__ import annotations

import csv
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from orchestration.simulator.model import DayOutput
    from orchestration.simulator.profiles import CenterProfile, QueueSpec
    from orchestration.simulator.workforce import AgentDay, AgentSpec
    from orchestration.simulator.writers import LocalClock


@dataclass(frozen=True)
class VoiceCall:
    """One CDR row of the simulated PBX, parsed: a queue visit, a call lost before the queue,
    or the outgoing leg after a transfer (``lastapp == 'Dial'``)."""

    uniqueid: str  # = the queue_log callid
    number: str  # caller number ('anonymous' when withheld)
    dst: str  # the queue's extension (6001...) or the transfer target
    lastapp: str  # Queue, Dial, Playback, Hangup...
    queue: str | None  # queue name for a queue visit (from lastdata)
    agent_extension: str | None  # the answering agent's SIP extension (1001...), if answered
    start: int  # UTC epoch seconds
    answer: int | None
    end: int
    disposition: str  # ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION
    userfield: str


def voice_calls(output: DayOutput) -> Iterator[VoiceCall]:
    """The day's CDR rows as `VoiceCall`s (times from the row's end epoch and durations)."""
    for end, _seq, row in output.cdr:
        f = next(csv.reader([row]))
        duration, billsec = int(f[12]), int(f[13])
        dstchannel = f[6]
        agent = dstchannel.split("/", 1)[1].rsplit("-", 1)[0] if "/" in dstchannel else None
        yield VoiceCall(
            uniqueid=f[16],
            number=f[1],
            dst=f[2],
            lastapp=f[7],
            queue=f[8].split(",", 1)[0] if f[7] == "Queue" else None,
            agent_extension=agent if f[14] == "ANSWERED" else None,
            start=end - duration,
            answer=end - billsec if f[14] == "ANSWERED" else None,
            end=end,
            disposition=f[14],
            userfield=f[17],
        )


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
