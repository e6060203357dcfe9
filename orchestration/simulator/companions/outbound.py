"""Outbound campaigns: a predictive dialer's attempt export.

One row per dial attempt: campaign, calling list, lead, the number dialled, the attempt time,
the dialer's result (connected, no_answer, busy, voicemail, invalid_number), and for connected
calls the agent, answer and hang-up times, whether the agent reached the right party (the
decision maker) and the agent's disposition (sale, callback, not_interested, wrong_party,
do_not_call), with the sale amount. Numbers are the center's customers (`CustomerDirectory`),
so an outbound sale names the same CRM account as the voice calls.

Agents: the roster's outbound share (`OUTBOUND_SHARE`, sales-skilled agents first) dial during a
block of their logged-in session each day (`DIAL_BLOCK_MINUTES` after their first break window);
each attempt takes the agent's time only when it connects. A lead is retried (up to
`MAX_ATTEMPTS`) on later days until it is reached or closed, so per-day state is the open leads.

Files: ``outbound/attempts/dialer-YYYYMMDD.csv`` per local day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from orchestration.simulator.companions import CompanionContext
from orchestration.simulator.companions._files import iso_utc, working_agents, write_csv
from orchestration.simulator.companions.customers import CustomerDirectory
from orchestration.simulator.model import DayOutput
from orchestration.simulator.workforce import AgentDay

OUTBOUND_SHARE = 0.2
DIAL_BLOCK_MINUTES = 90
MAX_ATTEMPTS = 4
# campaign id, list id, sale probability per right-party contact, sale amount (median EUR)
CAMPAIGNS = (
    ("CMP-RETENTION", "LST-CHURN-RISK", 0.22, 180.0),
    ("CMP-UPSELL-FIBRE", "LST-ADSL-BASE", 0.14, 420.0),
    ("CMP-WINBACK", "LST-FORMER", 0.09, 300.0),
)
RESULTS = ("connected", "no_answer", "busy", "voicemail", "invalid_number")
RESULT_P = (0.32, 0.38, 0.08, 0.19, 0.03)
RPC_SHARE = 0.72  # connected calls that reach the decision maker
HEADER = [
    "attempt_id", "campaign_id", "list_id", "lead_id", "phone_number", "attempt_number",
    "attempt_at", "result", "agent_id", "answered_at", "ended_at", "talk_seconds",
    "wrapup_seconds", "is_right_party", "disposition", "sale_amount",
]  # fmt: skip


@dataclass
class Lead:
    lead_id: str
    campaign: int
    number: str
    attempts: int = 0


class Outbound:
    def __init__(self, ctx: CompanionContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("outbound")
        self.directory = CustomerDirectory(ctx.seed, ctx.known_customers, ctx.start)
        n = len(ctx.roster)
        k = max(1, round(n * OUTBOUND_SHARE))
        ranked = sorted(ctx.roster, key=lambda a: (ctx.specs[a.skills[0]].name != "sales", a.index))
        self.dialers = {a.index for a in ranked[:k]}
        self.leads: list[Lead] = []
        self.next_lead = 0
        self.next_attempt = 0
        self.written: list[Path] = []

    def _new_lead(self) -> Lead:
        rng = self.rng
        customers = self.directory.customers
        if customers and rng.random() < 0.85:
            number = customers[int(rng.integers(len(customers)))].phone
        else:
            number = f"9{int(rng.integers(10_000_000, 99_999_999))}"
        self.next_lead += 1
        return Lead(f"LD-{self.next_lead:07d}", int(rng.integers(len(CAMPAIGNS))), number)

    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        rng = self.rng
        rows: list[list[object]] = []
        for agent, login, logout in working_agents(plans, self.ctx.roster, self.dialers):
            if logout - login < 4 * 3600:
                continue
            t = login + int((logout - login) * 0.55)
            block_end = min(t + DIAL_BLOCK_MINUTES * 60, logout - 900)
            while t < block_end:
                if not self.leads or rng.random() < 0.35:
                    self.leads.append(self._new_lead())
                lead = self.leads.pop(int(rng.integers(len(self.leads))))
                lead.attempts += 1
                self.next_attempt += 1
                cid, lid, p_sale, amount = CAMPAIGNS[lead.campaign]
                result = RESULTS[int(rng.choice(len(RESULTS), p=RESULT_P))]
                ring = int(rng.uniform(6, 28))
                row = [
                    f"ATT-{self.next_attempt:09d}", cid, lid, lead.lead_id, lead.number,
                    lead.attempts, iso_utc(t), result,
                ]  # fmt: skip
                closed = result == "invalid_number"
                if result == "connected":
                    answered = t + ring
                    rpc = rng.random() < RPC_SHARE
                    if rpc:
                        u = rng.random()
                        if u < p_sale:
                            disposition = "sale"
                        elif u < p_sale + 0.25:
                            disposition = "callback"
                        elif u < p_sale + 0.3:
                            disposition = "do_not_call"
                        else:
                            disposition = "not_interested"
                        talk = int(240 * float(np.exp(rng.normal(0, 0.5))) * agent.speed)
                        if disposition == "sale":
                            talk += int(rng.uniform(120, 360))
                    else:
                        disposition = "wrong_party"
                        talk = int(rng.uniform(15, 60))
                    wrap = int(rng.uniform(15, 60))
                    sale = round(amount * float(np.exp(rng.normal(0, 0.35))), 2)
                    row += [
                        agent.agent_id, iso_utc(answered), iso_utc(answered + talk), talk, wrap,
                        "true" if rpc else "false", disposition,
                        f"{sale:.2f}" if disposition == "sale" else "",
                    ]  # fmt: skip
                    closed = disposition != "callback"
                    t = answered + talk + wrap
                else:
                    row += ["", "", "", "", "", "", "", ""]
                    t += ring + (25 if result == "voicemail" else 0)
                t += int(rng.uniform(3, 12))  # the dialer's pacing gap
                rows.append(row)
                if not closed and lead.attempts < MAX_ATTEMPTS:
                    self.leads.append(lead)
        rows.sort(key=lambda r: (str(r[6]), str(r[0])))
        if not rows:  # a closed day: no file, like the PBX's
            return
        path = self.ctx.out_dir / "outbound" / "attempts" / f"dialer-{day:%Y%m%d}.csv"
        self.written.append(write_csv(path, HEADER, rows))

    def finish(self) -> list[Path]:
        return list(self.written)


def make(ctx: CompanionContext) -> Outbound:
    return Outbound(ctx)
