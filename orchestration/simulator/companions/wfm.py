"""Workforce management (WFM) exports: the published agent schedules and volume forecasts.

A WFM suite (NICE IEX, Verint, Calabrio, Genesys WEM) publishes each week's schedules and the
forecast they were built on; both are the PLAN, the simulated PBX is what happened. The plan
is derived from the simulated agents' own days the other way round from reality:

- shifts are the agents' contracted weekday/weekend shifts (`workforce.day_segments`, on the
  30-minute grid), so a late or early login shows against them; agents who were absent that
  day (the simulator's unplanned absences) are still scheduled;
- breaks, lunch, meetings and training are scheduled where the agent's day plan puts them,
  with the start rounded to 15 minutes and the standard length (break 10 min, lunch 30 min,
  meeting 30 min, training 60 min), so real breaks overrun or start off-schedule; personal
  pauses are never scheduled (unplanned shrinkage);
- the forecast per queue and 30-minute local interval is the simulator's expected demand (its
  weekday factors, intraday curves and billing cycle) with a planner's error (a weekly level
  error, a day error and an interval error), and the AHT the queue's handle-time
  distribution implies, also with an error; it is published on the Thursday before each week
  (Monday to Sunday) at 12:00 local time, as WFM teams do.

Files: ``wfm/schedules/schedule_<monday>.csv`` (one row per agent activity, local time with
UTC offset, published_at) and ``wfm/forecasts/forecast_<monday>.csv`` (one row per queue and
interval). Per-day state is one week of rows, written when the week ends.
"""

from __future__ import annotations

import csv
import math
import random
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.simulator.companions import CompanionContext
from orchestration.simulator.demand import is_billing_cycle
from orchestration.simulator.profiles import intraday_weight, mean_handle_seconds, weekday_calls
from orchestration.simulator.workforce import (
    day_segments,
    plan_pauses,
    weekend_rota,
    works_on,
)

if TYPE_CHECKING:
    from orchestration.simulator.model import DayOutput
    from orchestration.simulator.workforce import AgentDay

SCHEDULE_HEADER = (
    "schedule_date",
    "agent_id",
    "agent_name",
    "activity",
    "start_time",
    "end_time",
    "published_at",
)
FORECAST_HEADER = (
    "queue",
    "interval_start",
    "interval_minutes",
    "forecast_calls",
    "forecast_aht_seconds",
    "forecast_made_at",
    "forecast_version",
)
# scheduled length (minutes) of each planned activity; the day plan's pause reason -> activity
ACTIVITY_MINUTES = {"break": 10, "lunch": 30, "meeting": 30, "training": 60}
INTERVAL_MINUTES = 30
ROUND_MINUTES = 15


def _round_to(epoch: int, minutes: int) -> int:
    step = minutes * 60
    return int(round(epoch / step)) * step


class WfmExports:
    def __init__(self, ctx: CompanionContext) -> None:
        self.ctx = ctx
        self.py = random.Random(int(ctx.rng("wfm_schedule").integers(2**62)))
        self.fc_rng = ctx.rng("wfm_forecast")
        self.first_monday = ctx.start - timedelta(days=ctx.start.isoweekday() - 1)
        self.week_rows: dict[date, list[tuple[str, ...]]] = {}
        self.written: list[Path] = []
        self.demand_agents = len(ctx.roster)

    # ------------------------------------------------------------------ time helpers

    def _iso(self, epoch: int) -> str:
        """Local wall time with its UTC offset, as WFM exports carry it."""
        return self.ctx.clock.local_iso(epoch)

    def _monday(self, day: date) -> date:
        return day - timedelta(days=day.isoweekday() - 1)

    def _published_at(self, monday: date) -> str:
        thursday = monday - timedelta(days=4)
        return self._iso(self.ctx.clock.epoch_of(thursday, 12 * 60))

    # ------------------------------------------------------------------ schedules

    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        ctx = self.ctx
        hours = ctx.profile.opening.hours(day.isoweekday())
        monday = self._monday(day)
        rows = self.week_rows.setdefault(monday, [])
        if hours is not None:
            rows.extend(self._schedule_rows(day, plans))
        if day.isoweekday() == 7 or day == ctx.start + timedelta(days=ctx.days - 1):
            self._write_week(monday)

    def _schedule_rows(self, day: date, plans: list[AgentDay]) -> list[tuple[str, ...]]:
        ctx = self.ctx
        week = (day - self.first_monday).days // 7
        rota = weekend_rota(len(ctx.roster), ctx.profile, week)
        by_agent = {p.agent: p for p in plans}
        published = self._published_at(self._monday(day))
        rows: list[tuple[str, ...]] = []
        for agent in ctx.roster:
            if not works_on(agent, day, week, rota, ctx.profile):
                continue
            segments = day_segments(agent, day, ctx.profile)
            plan = by_agent.get(agent.index)
            for k, (s_min, e_min) in enumerate(segments):
                start = ctx.clock.epoch_of(day, s_min)
                end = ctx.clock.epoch_of(day, e_min)
                rows.append(self._row(day, agent, "shift", start, end, published))
                if plan is not None and k < len(plan.sessions):
                    pauses = [(p.start, p.reason) for p in plan.sessions[k].pauses]
                else:  # absent that day: the plan the WFM tool made for a normal day
                    pauses = [
                        (p.start, p.reason)
                        for p in plan_pauses(agent, start, end, s_min, day, self.py)
                    ]
                last_end = start
                for pause_start, reason in sorted(pauses):
                    activity = reason.lower()
                    if activity not in ACTIVITY_MINUTES:
                        continue  # personal time is never scheduled
                    a_start = max(_round_to(pause_start, ROUND_MINUTES), last_end)
                    a_end = min(a_start + ACTIVITY_MINUTES[activity] * 60, end)
                    if a_end <= a_start:
                        continue
                    rows.append(self._row(day, agent, activity, a_start, a_end, published))
                    last_end = a_end
        return rows

    def _row(self, day, agent, activity: str, start: int, end: int, published: str):
        return (
            day.isoformat(),
            agent.agent_id,
            agent.name,
            activity,
            self._iso(start),
            self._iso(end),
            published,
        )

    def _write_week(self, monday: date) -> None:
        rows = self.week_rows.pop(monday, [])
        out = self.ctx.out_dir / "wfm"
        schedule = out / "schedules" / f"schedule_{monday:%Y%m%d}.csv"
        schedule.parent.mkdir(parents=True, exist_ok=True)
        with schedule.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(SCHEDULE_HEADER)
            writer.writerows(rows)
        self.written.append(schedule)
        forecast = out / "forecasts" / f"forecast_{monday:%Y%m%d}.csv"
        forecast.parent.mkdir(parents=True, exist_ok=True)
        with forecast.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(FORECAST_HEADER)
            writer.writerows(self._forecast_rows(monday))
        self.written.append(forecast)

    # ------------------------------------------------------------------ forecasts

    def _forecast_rows(self, monday: date) -> list[tuple[str, ...]]:
        """The week's published forecast: expected demand with a planner's error."""
        ctx = self.ctx
        rng = self.fc_rng
        made_at = self._published_at(monday)
        version = f"wk{monday:%Y%m%d}"
        specs = ctx.specs
        total_share = sum(s.volume_share for s in specs)
        base = weekday_calls(ctx.profile, specs, self.demand_agents)
        week_error = math.exp(rng.normal(0.0, 0.05))
        rows: list[tuple[str, ...]] = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            hours = ctx.profile.opening.hours(day.isoweekday())
            factor = ctx.profile.weekday_factor.get(day.isoweekday(), 0.0)
            if hours is None or factor <= 0:
                continue
            open_min, close_min = hours
            weekend = day.isoweekday() >= 6
            day_error = math.exp(rng.normal(0.0, 0.06))
            for spec in specs:
                volume = base * factor * spec.volume_share / total_share * week_error * day_error
                if spec.name == "billing" and is_billing_cycle(day):
                    volume *= ctx.profile.billing_cycle_boost
                starts = list(range(open_min, close_min, INTERVAL_MINUTES))
                weights = [
                    sum(
                        intraday_weight(
                            (m + k * 5 + 2.5) / 60.0,
                            open_min,
                            close_min,
                            spec.afternoon_weight,
                            weekend,
                        )
                        for k in range(INTERVAL_MINUTES // 5)
                    )
                    for m in starts
                ]
                total = sum(weights) or 1.0
                aht = mean_handle_seconds([spec])
                for m, w in zip(starts, weights, strict=True):
                    calls = volume * w / total * math.exp(rng.normal(0.0, 0.08))
                    handle = aht * math.exp(rng.normal(0.0, 0.05))
                    rows.append(
                        (
                            spec.name,
                            self._iso(ctx.clock.epoch_of(day, m)),
                            str(INTERVAL_MINUTES),
                            f"{calls:.2f}",
                            f"{handle:.1f}",
                            made_at,
                            version,
                        )
                    )
        return rows

    def finish(self) -> list[Path]:
        for monday in sorted(self.week_rows):
            self._write_week(monday)
        return list(self.written)


def make(ctx: CompanionContext) -> WfmExports:
    return WfmExports(ctx)
