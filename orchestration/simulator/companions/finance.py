"""Finance: the monthly cost file (people, platform, telephony, facilities) per site.

Writes the existing ``finance_costs`` extract (orchestration/ingest/extract_specs/finance.py):
``finance/costs/costs-YYYY-MM.csv``, one line per month and cost type of the simulated site,
computed from what the simulated center did that month:
- people: the agents' logged-in hours of the day plans × a loaded hourly cost (team leads
  more), ``fte`` = those hours / `MONTHLY_FTE_HOURS`;
- platform: a monthly seat licence per agent who logged in that month (pro rata to the days
  simulated in the month);
- telephony: the PBX's billed seconds (CDR billsec) × a per-minute rate, plus a trunk fee;
- facilities: a seat cost per agent who logged in (pro rata).
A month the simulation covers only in part carries the days covered in ``note``.
"""

from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path

from orchestration.simulator.companions import CompanionContext
from orchestration.simulator.companions._files import day_calls, write_csv
from orchestration.simulator.model import DayOutput
from orchestration.simulator.workforce import AgentDay

HOURLY_COST = {"agent": 17.5, "senior_agent": 19.0, "team_lead": 24.0}
MONTHLY_FTE_HOURS = 162.5
SEAT_LICENCE = 95.0  # per agent per month
SEAT_FACILITIES = 140.0
TELEPHONY_PER_MINUTE = 0.011
TRUNK_FEE = 450.0  # per month
HEADER = ["month", "site_id", "cost_type", "amount", "currency", "fte", "note"]


class Finance:
    def __init__(self, ctx: CompanionContext) -> None:
        self.ctx = ctx
        # month -> running totals (a few numbers per month)
        self.months: dict[date, dict] = {}

    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        empty = {"people": 0.0, "hours": 0.0, "agents": set(), "billsec": 0, "days": 0}
        m = self.months.setdefault(day.replace(day=1), empty)
        m["days"] += 1
        for plan in plans:
            agent = self.ctx.roster[plan.agent]
            hours = sum(s.logout - s.login for s in plan.sessions) / 3600
            if hours > 0:
                m["agents"].add(plan.agent)
            m["hours"] += hours
            m["people"] += hours * HOURLY_COST.get(agent.role, HOURLY_COST["agent"])
        m["billsec"] += sum(c.end - c.answer for c in day_calls(output) if c.answer is not None)

    def finish(self) -> list[Path]:
        written = []
        for month, m in sorted(self.months.items()):
            days_in_month = calendar.monthrange(month.year, month.month)[1]
            share = m["days"] / days_in_month
            seats = len(m["agents"])
            note = "" if m["days"] == days_in_month else f"{m['days']} of {days_in_month} days"
            rows = [
                [month.isoformat(), self.ctx.site_id, "people", f"{m['people']:.2f}", "EUR",
                 f"{m['hours'] / MONTHLY_FTE_HOURS:.2f}", note],
                [month.isoformat(), self.ctx.site_id, "platform",
                 f"{seats * SEAT_LICENCE * share:.2f}", "EUR", "", note],
                [month.isoformat(), self.ctx.site_id, "telephony",
                 f"{m['billsec'] / 60 * TELEPHONY_PER_MINUTE + TRUNK_FEE * share:.2f}", "EUR",
                 "", note],
                [month.isoformat(), self.ctx.site_id, "facilities",
                 f"{seats * SEAT_FACILITIES * share:.2f}", "EUR", "", note],
            ]  # fmt: skip
            path = self.ctx.out_dir / "finance" / "costs" / f"costs-{month:%Y-%m}.csv"
            written.append(write_csv(path, HEADER, rows))
        return written


def make(ctx: CompanionContext) -> Finance:
    return Finance(ctx)
