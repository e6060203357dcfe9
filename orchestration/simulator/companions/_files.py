"""Small helpers the companions share: UTC ISO timestamps and per-day CSV files."""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from pathlib import Path

from orchestration.simulator.companions import VoiceCall, voice_calls
from orchestration.simulator.model import DayOutput
from orchestration.simulator.workforce import AgentDay, AgentSpec

_parsed: tuple[DayOutput | None, list[VoiceCall]] = (None, [])


def day_calls(output: DayOutput) -> list[VoiceCall]:
    """`voice_calls(output)` as a list, parsed once per day for all the companions (they are
    called one after the other with the same day's output)."""
    global _parsed
    if _parsed[0] is not output:
        _parsed = (output, list(voice_calls(output)))
    return _parsed[1]


def iso_utc(epoch: int | None) -> str:
    """ISO 8601 with a Z (the exports of hosted tools are UTC), '' for None."""
    if epoch is None:
        return ""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)
    return path


def working_agents(
    plans: list[AgentDay], roster: list[AgentSpec], chosen: set[int] | None = None
) -> list[tuple[AgentSpec, int, int]]:
    """(agent, login, logout) of every session of the day, optionally of `chosen` agents only."""
    found = []
    for plan in plans:
        if chosen is not None and plan.agent not in chosen:
            continue
        for s in plan.sessions:
            found.append((roster[plan.agent], s.login, s.logout))
    return found


def on_shift(sessions: list[tuple[AgentSpec, int, int]], at: int) -> list[AgentSpec]:
    """Agents logged in at `at` (login <= at < logout)."""
    return [a for a, login, logout in sessions if login <= at < logout]
