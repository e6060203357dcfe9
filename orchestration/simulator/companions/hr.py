"""HR: the roster history (every employment of the last year, with hire and leave dates).

``roster/agents.csv`` (written by the simulation) is a snapshot of today's agents. The HR
system exports every employment record that was active at some point in the history window
(`HISTORY_DAYS` before the simulated period up to its last day), so attrition and headcount can
be computed per month:
- every agent of the current roster, with the same agent id, name, team, role and hire date as
  `roster/agents.csv`, and no leave date;
- the agents who left in the window (``MONTHLY_ATTRITION`` of the headcount a month, three in
  four voluntarily). Their ACD logins (``Agent/0nnn``) are not in the PBX's roster: they took no
  calls in the simulated period (DECISIONS.md D105).

File: ``hr/roster_history/hr-roster-YYYYMMDD.csv`` (the export date is the last simulated day).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from orchestration.simulator.companions import CompanionContext
from orchestration.simulator.companions._files import write_csv
from orchestration.simulator.model import DayOutput
from orchestration.simulator.workforce import AgentDay

HISTORY_DAYS = 365
MONTHLY_ATTRITION = 0.035
HEADER = [
    "employee_id", "agent_id", "full_name", "team", "site_id", "role", "contract",
    "hire_date", "leave_date", "leave_reason",
]  # fmt: skip
_FIRST = ("Irene", "Sergio", "Noelia", "Ruben", "Alba", "Ivan", "Clara", "Oscar", "Rocio", "Raul")
_LAST = ("Navarro", "Torres", "Dominguez", "Vazquez", "Ramos", "Gil", "Serrano", "Blanco")


class HumanResources:
    def __init__(self, ctx: CompanionContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("hr")

    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        return None

    def finish(self) -> list[Path]:
        ctx, rng = self.ctx, self.rng
        last_day = ctx.start + timedelta(days=ctx.days - 1)
        first_day = ctx.start - timedelta(days=HISTORY_DAYS)
        rows: list[list[object]] = []
        for a in ctx.roster:
            rows.append([
                f"EMP-{10000 + a.index}", a.agent_id, a.name, a.team, ctx.site_id, a.role,
                a.contract, a.hire_date.isoformat(), "", "",
            ])  # fmt: skip
        window = (last_day - first_day).days + 1
        leavers = int(rng.poisson(MONTHLY_ATTRITION * len(ctx.roster) * window / 30.44))
        teams = sorted({a.team for a in ctx.roster})
        for i in range(leavers):
            leave = first_day + timedelta(days=int(rng.integers(window)))
            hire = leave - timedelta(days=int(rng.uniform(45, 1100)))
            reason = "voluntary" if rng.random() < 0.75 else "involuntary"
            first, last = _FIRST[int(rng.integers(len(_FIRST)))], _LAST[int(rng.integers(8))]
            name = f"{first} {last}"
            rows.append([
                f"EMP-{90000 + i}", f"Agent/0{i + 1:03d}", name,
                teams[int(rng.integers(len(teams)))], ctx.site_id, "agent",
                "full" if rng.random() < 0.7 else "part", hire.isoformat(), leave.isoformat(),
                reason,
            ])  # fmt: skip
        path = ctx.out_dir / "hr" / "roster_history" / f"hr-roster-{last_day:%Y%m%d}.csv"
        return [write_csv(path, HEADER, rows)]


def make(ctx: CompanionContext) -> HumanResources:
    return HumanResources(ctx)
