"""The post-contact survey tool's exports: invitations, responses and detractor follow-ups.

After a share of answered calls (`SEND_SHARE`) the survey tool sends the CRM customer an
invitation (SMS or e-mail) with three questions: CSAT (1-5), NPS (0-10) and CES (1-7, 7 =
very easy). Whether they answer and what they score follow what happened on the call: the
wait, a transfer, whether the agent resolved the issue (`crm.call_resolved`, the same
decision the CRM companion logs on the case) and whether the customer had already called in
the previous week. Detractors (NPS 0-6) are called back by a team lead (closed loop), most
within two days.

Files (one per day, the day the invitations were sent; responses and follow-ups come in
the files of the day they happened; local time with its UTC offset, as survey tools export):
- ``surveys/invitations/invitations-<day>.csv``
- ``surveys/responses/responses-<day>.csv``
- ``surveys/follow_ups/follow-ups-<day>.csv``
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.simulator.companions import CompanionContext
from orchestration.simulator.companions.crm import call_resolved, summarize_calls
from orchestration.simulator.companions.customers import CustomerDirectory

if TYPE_CHECKING:
    from orchestration.simulator.model import DayOutput
    from orchestration.simulator.workforce import AgentDay

SEND_SHARE = 0.4
BASE_RESPONSE = 0.28
REPEAT_DAYS = 7
INVITATION_HEADER = ["invitation_id", "call_id", "crm_customer_id", "channel", "sent_at", "survey"]
RESPONSE_HEADER = ["response_id", "invitation_id", "responded_at", "csat", "nps", "ces", "comment"]
FOLLOW_UP_HEADER = [
    "follow_up_id", "response_id", "created_at", "contacted_at", "method", "agent_id", "outcome",
]  # fmt: skip
COMMENTS = {
    "low": ("Demasiada espera", "No me lo han solucionado", "Tuve que llamar otra vez", ""),
    "mid": ("Correcto", "", "Algo lento", ""),
    "high": ("Muy amable", "Rápido y eficaz", "", "Perfecto"),
}


class SurveyCompanion:
    def __init__(self, ctx: CompanionContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("surveys")
        self.directory = CustomerDirectory(ctx.seed, ctx.known_customers, ctx.start)
        self.last_call: dict[str, int] = {}
        self.end_epoch = ctx.clock.midnight(ctx.start + timedelta(days=ctx.days))
        self.leads = [a.agent_id for a in ctx.roster if a.role != "agent"] or [
            a.agent_id for a in ctx.roster
        ]
        self.buffers: dict[str, dict[date, list[list[str]]]] = {
            "responses": defaultdict(list),
            "follow_ups": defaultdict(list),
        }
        self.n_inv = self.n_resp = self.n_fu = 0
        self.written: list[Path] = []

    def _local(self, epoch: int) -> str:
        return self.ctx.clock.local_iso(epoch)

    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        ctx, rng = self.ctx, self.rng
        invitations: list[list[str]] = []
        day_start = ctx.clock.midnight(day)
        for call in summarize_calls(output):
            customer = self.directory.by_number(call.number)
            if customer is None:
                continue
            previous = self.last_call.get(call.number)
            self.last_call[call.number] = call.end
            repeat = previous is not None and call.answer - previous <= REPEAT_DAYS * 86400
            if rng.random() >= SEND_SHARE:
                continue
            resolved = (
                call_resolved(ctx.seed, call.uniqueid, call.queue, call.transferred)
                if call.queue != "sales"
                else rng.random() < 0.85
            )
            wait = call.answer - call.start
            # latent satisfaction in [0, 1]: what happened on the call moves it
            s = float(rng.normal(0.78, 0.16))
            s -= min(wait, 600) / 600 * 0.25
            s -= 0.12 if call.transferred else 0.0
            s -= 0.30 if not resolved else 0.0
            s -= 0.12 if repeat else 0.0
            s = min(1.0, max(0.0, s))
            respond = BASE_RESPONSE + (0.12 if s < 0.35 else 0.0) + (0.05 if s > 0.85 else 0.0)
            self.n_inv += 1
            inv_id = f"INV-{self.n_inv:08d}"
            sent = call.end + int(rng.integers(120, 1800))
            invitations.append(
                [inv_id, call.uniqueid, customer.crm_id,
                 "sms" if rng.random() < 0.6 else "email", self._local(sent), "post_call"]
            )  # fmt: skip
            if rng.random() >= respond:
                continue
            responded = sent + int(rng.lognormal(7.5, 1.4))
            if responded >= self.end_epoch:
                continue
            self.n_resp += 1
            resp_id = f"RSP-{self.n_resp:08d}"
            noise = rng.normal(0, 0.07, 3)
            csat = int(min(5, max(1, round(1 + 4 * (s + noise[0])))))
            nps = int(min(10, max(0, round(10 * (s + noise[1]) + 0.6))))
            ces = int(min(7, max(1, round(1 + 6 * (s + noise[2])))))
            band = "low" if s < 0.45 else "mid" if s < 0.75 else "high"
            comment = COMMENTS[band][int(rng.integers(4))]
            # a share answers only the first question
            answered_all = rng.random() < 0.85
            self.buffers["responses"][ctx.clock.local_date(responded)].append(
                [resp_id, inv_id, self._local(responded), str(csat),
                 str(nps) if answered_all else "", str(ces) if answered_all else "", comment]
            )  # fmt: skip
            if answered_all and nps <= 6 and rng.random() < 0.8:
                created = responded + 60
                contacted = created + int(rng.lognormal(10.6, 0.8))  # ~11 h, tail to days
                self.n_fu += 1
                self.buffers["follow_ups"][ctx.clock.local_date(created)].append(
                    [
                        f"FUP-{self.n_fu:07d}",
                        resp_id,
                        self._local(created),
                        self._local(contacted) if contacted < self.end_epoch else "",
                        "call_back" if rng.random() < 0.8 else "email",
                        self.leads[int(rng.integers(len(self.leads)))],
                        ("recovered" if rng.random() < 0.5 else "not_recovered")
                        if contacted < self.end_epoch
                        else "",
                    ]
                )
        horizon = day_start - (REPEAT_DAYS + 1) * 86400
        for n in [n for n, t in self.last_call.items() if t < horizon]:
            del self.last_call[n]
        self._write("invitations", INVITATION_HEADER, day, invitations)
        self._flush(day - timedelta(days=30))

    def _write(self, kind: str, header: list[str], day: date, rows: list[list[str]]) -> None:
        name = {"invitations": "invitations", "responses": "responses",
                "follow_ups": "follow-ups"}[kind]  # fmt: skip
        path = self.ctx.out_dir / "surveys" / kind / f"{name}-{day:%Y%m%d}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        self.written.append(path)

    def _flush(self, upto: date) -> None:
        headers = {"responses": RESPONSE_HEADER, "follow_ups": FOLLOW_UP_HEADER}
        for kind, buf in self.buffers.items():
            for d in sorted(k for k in buf if k <= upto):
                self._write(kind, headers[kind], d, buf.pop(d))

    def finish(self) -> list[Path]:
        self._flush(date.max)
        return self.written


def make(ctx: CompanionContext) -> SurveyCompanion:
    return SurveyCompanion(ctx)
