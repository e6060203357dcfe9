"""Quality: QA evaluations of a sample of answered calls, and coaching sessions.

A QA tool's two exports:
- ``quality/evaluations/qa-YYYY-Www.csv`` (per ISO week of the evaluated call): evaluation id,
  the PBX uniqueid of the call (``contact_id``), channel, the agent, the evaluator (a QA
  analyst), when it was evaluated (1-3 days after the call), the form, the five section scores
  (0-100: greeting, verification, resolution, compliance, soft skills), the weighted total
  ``score``, the form's ``pass_threshold`` and ``auto_fail`` (a compliance breach fails the
  evaluation whatever the score);
- ``quality/coaching/coaching-YYYY-Www.csv`` (per ISO week of the session): session id,
  agent, coach (the team lead), start, minutes, topic, trigger (qa_fail after a failed
  evaluation, scheduled for the four-weekly one-to-one) and the evaluation that triggered it.

Consistency: only calls the PBX answered are evaluated (``SAMPLE_SHARE`` of them), by the agent
who answered; a coaching session is held in the agent's next logged-in session (per the day's
plans) an hour after login. Each agent has a level that coaching after a failure raises a little.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from orchestration.simulator.companions import CompanionContext
from orchestration.simulator.companions._files import day_calls, iso_utc, write_csv
from orchestration.simulator.model import DayOutput
from orchestration.simulator.workforce import AgentDay

SAMPLE_SHARE = 0.03
PASS_THRESHOLD = 80
FORM = "voice_standard_v3"
SECTIONS = (
    ("greeting", 0.10), ("verification", 0.20), ("resolution", 0.35),
    ("compliance", 0.20), ("soft_skills", 0.15),
)  # fmt: skip
AUTO_FAIL_P = 0.02
EVALUATORS = ("QA-ANALYST-1", "QA-ANALYST-2", "QA-ANALYST-3")
TOPICS_FAIL = ("verification steps", "resolution accuracy", "compliance script", "empathy")
EVAL_HEADER = [
    "evaluation_id", "contact_id", "channel", "agent_id", "evaluator_id", "evaluated_at",
    "form_name", *(f"{name}_score" for name, _ in SECTIONS), "score", "pass_threshold",
    "auto_fail",
]  # fmt: skip
COACH_HEADER = [
    "session_id", "agent_id", "coach_id", "started_at", "duration_minutes", "topic", "trigger",
    "evaluation_id",
]  # fmt: skip


class Quality:
    def __init__(self, ctx: CompanionContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("quality")
        self.by_extension = {a.extension: a for a in ctx.roster}
        self.level = {a.index: float(self.rng.normal(85, 5)) for a in ctx.roster}
        leads: dict[str, str] = {}
        for a in ctx.roster:
            if a.role == "team_lead":
                leads[a.team] = a.agent_id
        self.coach = {a.index: leads.get(a.team, "SUPERVISOR-1") for a in ctx.roster}
        self.next_eval = 0
        self.next_session = 0
        # agent -> [(evaluation id, topic, evaluated epoch)] waiting for a coaching session
        self.pending: dict[int, list[tuple[str, str, int]]] = {}
        self.written: list[Path] = []
        self.evals: list[list[object]] = []
        self.sessions: list[list[object]] = []

    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        rng = self.rng
        evals: list[list[object]] = []
        for call in day_calls(output):
            if call.lastapp != "Queue" or call.answer is None or call.agent_extension is None:
                continue
            agent = self.by_extension.get(call.agent_extension)
            if agent is None or rng.random() >= SAMPLE_SHARE:
                continue
            self.next_eval += 1
            eid = f"EV-{self.next_eval:08d}"
            level = self.level[agent.index]
            scores = [int(np.clip(rng.normal(level, 9), 20, 100)) for _ in SECTIONS]
            total = round(sum(s * w for s, (_, w) in zip(scores, SECTIONS, strict=True)), 1)
            auto_fail = rng.random() < AUTO_FAIL_P
            evaluated = call.end + int(rng.uniform(1, 3) * 86400)
            evals.append([
                eid, call.uniqueid, "voice", agent.agent_id,
                EVALUATORS[int(rng.integers(len(EVALUATORS)))], iso_utc(evaluated), FORM,
                *scores, f"{total:.1f}", PASS_THRESHOLD, "true" if auto_fail else "false",
            ])  # fmt: skip
            if auto_fail or total < PASS_THRESHOLD:
                topic = TOPICS_FAIL[int(rng.integers(len(TOPICS_FAIL)))]
                self.pending.setdefault(agent.index, []).append((eid, topic, evaluated))
        self.evals += evals

        sessions: list[list[object]] = []
        week = (day - self.ctx.start).days // 7
        for plan in plans:
            if not plan.sessions:
                continue
            agent = self.ctx.roster[plan.agent]
            login = plan.sessions[0].login
            due = self.pending.pop(agent.index, [])
            ready = [d for d in due if d[2] < login + 3600]  # coached after the evaluation
            if ready:
                eid, topic, _ = ready[0]
                self.next_session += 1
                minutes = int(rng.uniform(20, 45))
                sessions.append([
                    f"CO-{self.next_session:07d}", agent.agent_id, self.coach[agent.index],
                    iso_utc(login + 3600), minutes, topic, "qa_fail", eid,
                ])  # fmt: skip
                self.level[agent.index] = min(97.0, self.level[agent.index] + 1.5)
                # one session covers every failure evaluated by then
                due = [d for d in due if d[2] >= login + 3600]
            if due:
                self.pending[agent.index] = due
            if ready:
                continue
            if day.isoweekday() == 1 + agent.index % 5 and week % 4 == agent.index % 4:
                self.next_session += 1
                sessions.append([
                    f"CO-{self.next_session:07d}", agent.agent_id, self.coach[agent.index],
                    iso_utc(login + 5400), int(rng.uniform(15, 30)), "one-to-one review",
                    "scheduled", "",
                ])  # fmt: skip
        self.sessions += sessions
        if day.isoweekday() == 7:
            self._write(day)

    def _write(self, day: date) -> None:
        """The week's two files (weekly exports: a day of a few evaluations is no volume)."""
        year, week, _ = day.isocalendar()
        out = self.ctx.out_dir / "quality"
        for folder, name, header, rows in (
            ("evaluations", "qa", EVAL_HEADER, self.evals),
            ("coaching", "coaching", COACH_HEADER, self.sessions),
        ):
            if rows:
                path = out / folder / f"{name}-{year}-W{week:02d}.csv"
                self.written.append(write_csv(path, header, rows))
        self.evals, self.sessions = [], []

    def finish(self) -> list[Path]:
        self._write(self.ctx.start + timedelta(days=self.ctx.days - 1))
        return sorted(self.written)


def make(ctx: CompanionContext) -> Quality:
    return Quality(ctx)
