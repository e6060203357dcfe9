"""Small helpers the companions share: UTC ISO timestamps and per-day CSV files."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from orchestration.simulator.model import DayOutput, VoiceCall
from orchestration.simulator.workforce import AgentDay, AgentSpec
from orchestration.simulator.writers import clock_text


def day_calls(output: DayOutput) -> list[VoiceCall]:
    """The day's CDR rows as `VoiceCall`s (recorded by the engine as it writes them)."""
    return output.calls


def iso_utc(epoch: int | None) -> str:
    """ISO 8601 with a Z (the exports of hosted tools are UTC), '' for None."""
    if epoch is None:
        return ""
    return clock_text(epoch, "T") + "Z"


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
