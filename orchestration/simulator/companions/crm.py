"""The CRM's exports for the simulated center: customer accounts, web-form leads, opportunities
and closed sales, cases (tickets) and the calls logged on them.

What a CRM exports, as the warehouse receives it (one file per day, written when the day is
over, like a nightly "modified since" report):
- ``crm/customers/accounts-full-<start>.csv``: a full snapshot of the accounts on the first
  day, then ``accounts-<day>.csv`` with the accounts created or touched that day;
- ``crm/leads/leads-<day>.csv``: the web-form leads submitted that day, with when the CRM
  created them, when an agent first called them, their campaign, source and status;
- ``crm/opportunities/opportunities-<day>.xlsx`` (Excel, the sales team's report): the
  opportunities opened that day (from a lead or from an inbound sales call) with their
  outcome: won (closed_at, amount), lost, or still open at the end of the data;
- ``crm/cases/cases-<day>.csv``: every case opened, worked, resolved or reopened that day, in
  its state at the end of the day (the warehouse keeps the last version of each case);
- ``crm/case_calls/case-calls-<day>.csv``: one row per answered support or billing call
  logged on a case (the call's uniqueid), with the agent's outcome (resolved or pending).

Consistency with the voice calls: a case is opened by the first answered support or billing
call of a CRM customer; a call of the same customer while the case is open is logged on it; a
call within `REOPEN_DAYS` after it was resolved reopens it (the customer calling back is what
reopens a case, so resolution and call-backs agree); later calls open a new case. Whether the
agent resolves the case on the call is `call_resolved` (a pure function of the call, shared
with the survey companion so survey scores follow resolution); unresolved cases are resolved
by the back office later unless the customer calls first. Timestamps are UTC with a 'Z',
as CRM APIs export them.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.simulator.companions import CompanionContext, VoiceCall, voice_calls
from orchestration.simulator.companions._xlsx import write_xlsx
from orchestration.simulator.companions.customers import Customer, CustomerDirectory
from orchestration.simulator.writers import clock_text

if TYPE_CHECKING:
    from orchestration.simulator.model import DayOutput
    from orchestration.simulator.workforce import AgentDay

CASE_QUEUES = {"support": "technical", "billing": "billing"}
RESOLVED_ON_CALL = {"support": 0.72, "billing": 0.82}
TRANSFERRED_FACTOR = 0.6  # a transferred call resolves less often
REOPEN_DAYS = 7
LEADS_PER_AGENT_DAY = 0.8
CAMPAIGNS = (
    ("WEB-FIBRA-Q4", "web_form"),
    ("WEB-FIBRA-Q4", "google_ads"),
    ("WEB-MOVIL-PROMO", "meta_ads"),
    ("WEB-MOVIL-PROMO", "web_form"),
    ("COMPARADOR", "partner"),
)
PRODUCTS = (("fibra_600", 420.0), ("movil_ilimitado", 240.0), ("pack_hogar", 780.0))
SALES_CALL_OPPORTUNITY = 0.45  # an answered sales call opens an opportunity
LEAD_HEADER = [
    "lead_id", "submitted_at", "created_in_crm_at", "first_call_at", "first_call_agent_id",
    "call_attempts", "campaign", "source", "status", "phone", "email", "crm_customer_id",
]  # fmt: skip
OPPORTUNITY_HEADER = [
    "opportunity_id", "lead_id", "crm_customer_id", "call_id", "created_at", "stage",
    "closed_at", "amount", "currency", "product", "owner_agent_id", "campaign",
]  # fmt: skip
CASE_HEADER = [
    "case_id", "crm_customer_id", "opened_at", "channel", "category", "priority", "status",
    "resolved_at", "reopened_at", "reopen_count", "origin_call_id", "owner_agent_id",
    "modified_at",
]  # fmt: skip
CASE_CALL_HEADER = ["activity_id", "case_id", "call_id", "agent_id", "logged_at", "outcome"]
ACCOUNT_HEADER = [
    "crm_customer_id", "phone", "email", "first_name", "last_name", "segment", "created_at",
    "modified_at",
]  # fmt: skip


def unit(seed: int, text: str) -> float:
    """A uniform number in [0, 1) from a hash: decisions two companions must agree on."""
    d = hashlib.blake2b(f"{seed}|{text}".encode(), digest_size=8).digest()
    return int.from_bytes(d, "big") / 2**64


def call_resolved(seed: int, uniqueid: str, queue: str, transferred: bool) -> bool:
    """Whether the agent resolved the customer's issue on this call (support, billing)."""
    p = RESOLVED_ON_CALL.get(queue, 0.75) * (TRANSFERRED_FACTOR if transferred else 1.0)
    return unit(seed, "resolved|" + uniqueid) < p


def utc(epoch: float) -> str:
    return clock_text(int(epoch), "T") + "Z"


@dataclass
class CallSummary:
    """The calls of one uniqueid on one day: the last answered queue visit, transfers."""

    uniqueid: str
    number: str
    queue: str
    agent_extension: str
    start: int
    answer: int
    end: int
    transferred: bool


_summaries: tuple[DayOutput | None, list[CallSummary]] = (None, [])


def summarize_calls(output: DayOutput) -> list[CallSummary]:
    """Answered calls of the day (one per uniqueid: its last answered queue visit), sorted by
    answer time; computed once per day for the CRM and the surveys (read-only for both)."""
    global _summaries
    if _summaries[0] is not output:
        _summaries = (output, _summarize(voice_calls(output)))
    return _summaries[1]


def _summarize(calls: list[VoiceCall]) -> list[CallSummary]:
    by_id: dict[str, list[VoiceCall]] = {}
    for c in calls:
        legs = by_id.get(c.uniqueid)
        if legs is None:
            by_id[c.uniqueid] = [c]
        else:
            legs.append(c)
    out = []
    for uid, legs in by_id.items():
        if len(legs) == 1:  # most calls: one queue visit, no transfer
            c = legs[0]
            if c.lastapp == "Queue" and c.agent_extension:
                out.append(
                    CallSummary(
                        uid, c.number, c.queue or "", c.agent_extension, c.start,
                        int(c.answer or c.start), c.end, False,
                    )
                )  # fmt: skip
            continue
        answered = [c for c in legs if c.lastapp == "Queue" and c.agent_extension]
        if not answered:
            continue
        last = max(answered, key=lambda c: (c.answer or 0, c.end)) if len(answered) > 1 else (
            answered[0]
        )  # fmt: skip
        visits = sum(1 for c in legs if c.lastapp == "Queue")
        out.append(
            CallSummary(
                uniqueid=uid,
                number=last.number,
                queue=last.queue or "",
                agent_extension=last.agent_extension or "",
                start=min(c.start for c in legs),
                answer=int(last.answer or last.start),
                end=last.end,
                transferred=visits > 1 or any(c.lastapp == "Dial" for c in legs),
            )
        )
    out.sort(key=attrgetter("answer", "uniqueid"))
    return out


@dataclass
class Case:
    case_id: str
    customer: Customer
    opened_at: int
    category: str
    priority: str
    origin_call_id: str
    owner: str
    status: str = "open"
    resolved_at: int | None = None
    reopened_at: int | None = None
    reopen_count: int = 0
    due: int | None = None  # back-office resolution time of a pending case
    modified_at: int = 0

    def row(self) -> list[str]:
        return [
            self.case_id,
            self.customer.crm_id,
            utc(self.opened_at),
            "phone",
            self.category,
            self.priority,
            self.status,
            utc(self.resolved_at) if self.resolved_at else "",
            utc(self.reopened_at) if self.reopened_at else "",
            str(self.reopen_count),
            self.origin_call_id,
            self.owner,
            utc(self.modified_at),
        ]


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)
    return path


class CrmCompanion:
    def __init__(self, ctx: CompanionContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("crm")
        self.directory = CustomerDirectory(ctx.seed, ctx.known_customers, ctx.start)
        self.agent_by_ext = {a.extension: a.agent_id for a in ctx.roster}
        names = [s.name for s in ctx.specs]
        sales = names.index("sales") if "sales" in names else None
        self.sellers = [a.agent_id for a in ctx.roster if sales is None or sales in a.skills]
        self.end_epoch = ctx.clock.midnight(ctx.start + timedelta(days=ctx.days))
        self.cases: dict[str, Case] = {}  # latest case per phone number
        self.pending: list[tuple[int, str, str]] = []  # (due, number, case_id)
        self.n_case = self.n_activity = self.n_lead = self.n_opp = 0
        self.written: list[Path] = []
        self.snapshot_done = False

    # ------------------------------------------------------------------ helpers
    def _open_epoch(self, epoch: int) -> int:
        """The first moment at or after `epoch` when the center is open (local hours)."""
        clock, opening = self.ctx.clock, self.ctx.profile.opening
        day = clock.local_date(epoch)
        for _ in range(10):
            hours = opening.hours(day.isoweekday())
            if hours:
                opens, closes = clock.epoch_of(day, hours[0]), clock.epoch_of(day, hours[1])
                if epoch < closes:
                    return max(epoch, opens)
            day += timedelta(days=1)
        return epoch

    def _account_row(self, c: Customer, modified: int) -> list[str]:
        return [
            c.crm_id,
            c.phone,
            c.email,
            c.first_name,
            c.last_name,
            c.segment,
            c.created_on.isoformat() + "T10:00:00Z",  # created at 10:00 UTC
            utc(modified),
        ]

    # ------------------------------------------------------------------ a day
    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        ctx, rng = self.ctx, self.rng
        stamp = f"{day:%Y%m%d}"
        day_start = ctx.clock.midnight(day)
        day_end = ctx.clock.midnight(day + timedelta(days=1))
        accounts: dict[str, list[str]] = {}
        if not self.snapshot_done:
            # streamed: the year's snapshot is 1.5 million accounts
            rows = (self._account_row(c, day_start) for c in self.directory.customers)
            self.written.append(
                _write_csv(
                    ctx.out_dir / "crm/customers" / f"accounts-full-{stamp}.csv",
                    ACCOUNT_HEADER,
                    rows,
                )
            )
            self.snapshot_done = True
        touched: dict[str, Case] = {}
        activities: list[list[str]] = []
        opportunities: list[list[object]] = []

        # back-office resolutions due today
        while self.pending and self.pending[0][0] < day_end:
            due, number, case_id = heapq.heappop(self.pending)
            case = self.cases.get(number)
            if case and case.case_id == case_id and case.status == "pending" and case.due == due:
                case.status, case.resolved_at, case.due, case.modified_at = (
                    "resolved",
                    due,
                    None,
                    due,
                )
                touched[case.case_id] = case

        for call in summarize_calls(output):
            customer = self.directory.by_number(call.number)
            agent = self.agent_by_ext.get(call.agent_extension, call.agent_extension)
            if customer and call.queue == "sales" and rng.random() < SALES_CALL_OPPORTUNITY:
                opportunities.append(self._opportunity(None, customer, call.uniqueid, call.end,
                                                       agent, "INBOUND-SALES"))  # fmt: skip
                accounts[customer.crm_id] = self._account_row(customer, call.end)
            if customer is None or call.queue not in CASE_QUEUES:
                continue
            accounts[customer.crm_id] = self._account_row(customer, call.end)
            case = self.cases.get(call.number)
            if case and case.status in ("open", "pending", "reopened"):
                pass  # logged on the open case
            elif (
                case
                and case.status == "resolved"
                and case.resolved_at is not None
                and call.answer - case.resolved_at <= REOPEN_DAYS * 86400
                and case.category == CASE_QUEUES[call.queue]
            ):
                case.status, case.reopened_at = "reopened", call.answer
                case.reopen_count += 1
                case.resolved_at = None
            else:
                self.n_case += 1
                case = Case(
                    case_id=f"CAS-{self.n_case:08d}",
                    customer=customer,
                    opened_at=call.answer,
                    category=CASE_QUEUES[call.queue],
                    priority="high" if customer.segment == "premium" else "normal",
                    origin_call_id=call.uniqueid,
                    owner=agent,
                )
                self.cases[call.number] = case
            resolved = call_resolved(ctx.seed, call.uniqueid, call.queue, call.transferred)
            if resolved:
                case.status = "resolved"
                case.resolved_at = call.end + int(rng.integers(30, 300))
                case.due = None
            else:
                case.status = "pending" if case.status != "reopened" else "reopened"
                case.due = call.end + int(rng.exponential(1.5 * 86400)) + 600
                heapq.heappush(self.pending, (case.due, call.number, case.case_id))
            case.modified_at = max(call.end, case.resolved_at or 0)
            touched[case.case_id] = case
            self.n_activity += 1
            activities.append(
                [
                    f"ACT-{self.n_activity:09d}",
                    case.case_id,
                    call.uniqueid,
                    agent,
                    utc(call.end),
                    "resolved" if resolved else "pending",
                ]
            )

        leads = self._leads(day, day_start, day_end, opportunities, accounts)

        # forget cases nobody can reopen any more
        horizon = day_start - (REOPEN_DAYS + 1) * 86400
        for number in [
            n for n, c in self.cases.items() if c.status == "resolved" and c.modified_at < horizon
        ]:
            del self.cases[number]

        rows = [c.row() for c in sorted(touched.values(), key=lambda c: c.case_id)]
        out = ctx.out_dir / "crm"
        self.written += [
            _write_csv(out / "cases" / f"cases-{stamp}.csv", CASE_HEADER, rows),
            _write_csv(
                out / "case_calls" / f"case-calls-{stamp}.csv", CASE_CALL_HEADER, activities
            ),  # fmt: skip
            _write_csv(out / "leads" / f"leads-{stamp}.csv", LEAD_HEADER, leads),
            _write_csv(
                out / "customers" / f"accounts-{stamp}.csv",
                ACCOUNT_HEADER,
                [accounts[k] for k in sorted(accounts)],
            ),  # fmt: skip
            write_xlsx(
                out / "opportunities" / f"opportunities-{stamp}.xlsx",
                "Opportunities",
                OPPORTUNITY_HEADER,
                opportunities,
                day,
            ),
        ]

    def _opportunity(
        self,
        lead_id: str | None,
        customer: Customer | None,
        call_id: str | None,
        created: int,
        agent: str,
        campaign: str,
    ) -> list[object]:
        rng = self.rng
        self.n_opp += 1
        product, price = PRODUCTS[int(rng.integers(len(PRODUCTS)))]
        won = rng.random() < (0.42 if lead_id else 0.55)
        closed = created + int(rng.exponential(3 * 86400)) + 3600
        if closed >= self.end_epoch:
            stage, closed_s, amount = "open", "", ""
        else:
            stage, closed_s = ("won" if won else "lost"), utc(closed)
            amount = round(price * float(rng.uniform(0.8, 1.3)), 2) if won else ""
        return [
            f"OPP-{self.n_opp:07d}",
            lead_id or "",
            customer.crm_id if customer else "",
            call_id or "",
            utc(created),
            stage,
            closed_s,
            amount,
            "EUR",
            product,
            agent,
            campaign,
        ]

    def _leads(
        self,
        day: date,
        day_start: int,
        day_end: int,
        opportunities: list[list[object]],
        accounts: dict[str, list[str]],
    ) -> list[list[str]]:
        rng, ctx = self.rng, self.ctx
        n = int(rng.poisson(LEADS_PER_AGENT_DAY * len(ctx.roster) * (0.6 if day.isoweekday() > 5
                                                                        else 1.0)))  # fmt: skip
        # forms arrive all day, more in the day and evening (local time)
        minutes = sorted(float(m) for m in rng.normal(14 * 60, 4.5 * 60, n) % 1440)
        rows = []
        for m in minutes:
            submitted = ctx.clock.epoch_of(day, m)
            if not day_start <= submitted < day_end:
                continue
            self.n_lead += 1
            lead_id = f"LEAD-{self.n_lead:07d}"
            created = submitted + int(rng.lognormal(3.5, 1.0))  # form-to-CRM sync, ~1 minute
            campaign, source = CAMPAIGNS[int(rng.integers(len(CAMPAIGNS)))]
            phone = f"6{int(rng.integers(10**7, 10**8)):08d}"
            customer = self.directory.by_number(phone)
            email = customer.email if customer else f"lead{self.n_lead}@example.net"
            u = rng.random()
            first_call = agent = ""
            attempts = 0
            status = "new"
            if u < 0.06:
                status = "junk"  # fake or duplicate: never called
            else:
                wait = int(rng.lognormal(6.2, 1.1)) if rng.random() < 0.7 else int(
                    rng.lognormal(8.3, 0.9)
                )  # fmt: skip
                call_at = self._open_epoch(created + 30) + wait
                if call_at < self.end_epoch:
                    first_call = utc(call_at)
                    agent = self.sellers[int(rng.integers(len(self.sellers)))]
                    attempts = 1 + int(rng.poisson(0.6))
                    v = rng.random()
                    if v < 0.25:
                        status = "unreachable"
                    elif v < 0.35:
                        status = "not_interested"
                    else:
                        status = "qualified"
                        opportunities.append(
                            self._opportunity(
                                lead_id, customer, None, call_at + 300, agent, campaign
                            )  # fmt: skip
                        )
                        if customer:
                            accounts[customer.crm_id] = self._account_row(customer, call_at)
            rows.append(
                [
                    lead_id,
                    utc(submitted),
                    utc(created),
                    first_call,
                    agent,
                    str(attempts),
                    campaign,
                    source,
                    status,
                    phone,
                    email,
                    customer.crm_id if customer else "",
                ]
            )
        return rows

    def finish(self) -> list[Path]:
        return self.written


def make(ctx: CompanionContext) -> CrmCompanion:
    return CrmCompanion(ctx)
