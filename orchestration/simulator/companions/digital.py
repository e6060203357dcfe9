"""Digital channels (chat, e-mail, SMS, social) as a help-desk ticket export.

The export imitates a Zendesk/LiveChat-style ticket CSV: one row per conversation with the
channel, the requester's e-mail, phone or social handle (and the CRM id the help desk keeps as
``external_id``), the group (queue) and assignee (agent), the created, assigned, first-response
and solved times (UTC, ISO 8601 with Z), the agent's handle seconds, the chat concurrency at
assignment, the number of messages and the status.

Who and when:
- the same customers as the voice calls (`CustomerDirectory`): most requesters are the repeat
  callers' pool, the rest one-off people;
- a blended share of the roster (`BLENDED_SHARE`) answers digital work, and only while logged
  in per that day's plans: a chat is answered by a blended agent on shift when it arrives (else
  it is missed: offline, or the customer leaves before the agent accepts); an e-mail, SMS or
  social message waits for the first blended agent on shift after its response delay, carried
  over to the next days when nobody is logged in (overnight e-mails are answered next morning);
- volumes follow the day's voice volume (same weekly and intraday pattern).

Files: ``digital/contacts/tickets-YYYY-Www.csv``, one per ISO week (the help desk's weekly
export; a daily file of a closed weekend day would be nearly empty): a ticket is in the file of
the week of its last update (solved, or created when never answered); what is still open when
the simulation ends is written with its state at that moment (status new or open) in the last
week's file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from orchestration.simulator.companions import CompanionContext
from orchestration.simulator.companions._files import (
    day_calls,
    iso_utc,
    on_shift,
    working_agents,
    write_csv,
)
from orchestration.simulator.companions.customers import Customer, CustomerDirectory
from orchestration.simulator.model import DayOutput
from orchestration.simulator.workforce import AgentDay

BLENDED_SHARE = 0.35
# contacts per inbound voice queue visit of the same day
VOLUME_PER_CALL = {"chat": 0.30, "email": 0.15, "sms": 0.05, "social": 0.04}
VIA = {"chat": "web_widget", "email": "email", "sms": "sms", "social": "twitter"}
KNOWN_SHARE = 0.8  # requesters from the repeat callers' pool
# median seconds until a first response is due (async channels), lognormal sigma 0.8
RESPONSE_DELAY = {"email": 3 * 3600, "sms": 15 * 60, "social": 30 * 60}
# median agent handle seconds (async channels)
HANDLE = {"email": 360, "sms": 150, "social": 200}
CHAT_WAIT_MEAN = 45.0
CHAT_PATIENCE_MEAN = 420.0
HEADER = [
    "ticket_id", "channel", "via", "status", "requester_email", "requester_phone",
    "requester_handle", "external_id", "group_name", "assignee_id", "created_at",
    "assigned_at", "first_response_at", "solved_at", "handle_seconds", "concurrency",
    "messages",
]  # fmt: skip


@dataclass
class Ticket:
    ticket_id: int
    channel: str
    customer: Customer | None
    email: str
    phone: str
    handle: str
    queue: str
    created: int
    ready: int  # first response due (async channels)
    status: str = "new"
    agent: str = ""
    assigned: int | None = None
    first_response: int | None = None
    solved: int | None = None
    handle_seconds: int | None = None
    concurrency: int | None = None
    messages: int = 1

    def row(self) -> list[object]:
        return [
            f"ZD-{self.ticket_id}", self.channel, VIA[self.channel], self.status, self.email,
            self.phone, self.handle, self.customer.crm_id if self.customer else "", self.queue,
            self.agent, iso_utc(self.created), iso_utc(self.assigned),
            iso_utc(self.first_response), iso_utc(self.solved),
            "" if self.handle_seconds is None else self.handle_seconds,
            "" if self.concurrency is None else self.concurrency, self.messages,
        ]  # fmt: skip

    def last_update(self) -> int:
        return self.solved or self.first_response or self.created


class DigitalChannels:
    def __init__(self, ctx: CompanionContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("digital")
        self.directory = CustomerDirectory(ctx.seed, ctx.known_customers, ctx.start)
        n = len(ctx.roster)
        k = max(1, round(n * BLENDED_SHARE))
        self.blended = {int(i) for i in self.rng.choice(n, size=k, replace=False)}
        shares = np.array([s.volume_share for s in ctx.specs], dtype=float)
        self.queue_p = shares / shares.sum()
        self.next_id = 500_000 + int(self.rng.integers(0, 10_000))
        self.pending: list[Ticket] = []
        self.buffer: dict[date, list[Ticket]] = {}
        self.written: list[Path] = []
        self.last_day = ctx.start + timedelta(days=ctx.days - 1)
        self.end_epoch = ctx.clock.midnight(self.last_day + timedelta(days=1))

    # --- requesters -----------------------------------------------------------------------

    def _requester(self, channel: str) -> tuple[Customer | None, str, str, str]:
        rng = self.rng
        customer: Customer | None = None
        if self.directory.customers and rng.random() < KNOWN_SHARE:
            customer = self.directory.customers[int(rng.integers(len(self.directory.customers)))]
        else:
            number = f"6{int(rng.integers(10_000_000, 99_999_999))}"
            customer = self.directory.by_number(number)
            if customer is None:  # not a customer yet: only the channel's own address
                handle = f"user{int(rng.integers(1_000_000))}"
                if channel == "sms":
                    return None, "", number, ""
                if channel == "social":
                    return None, "", "", "@" + handle
                return None, f"{handle}@gmail.com", "", ""
        c = customer
        if channel == "email":
            return c, c.email, "", ""
        if channel == "sms":
            return c, "", c.phone, ""
        if channel == "social":
            return c, "", "", f"@{c.first_name.lower()}_{c.last_name.lower()}{c.crm_id[-2:]}"
        # chat: the widget asks for an e-mail, most give it
        return c, c.email if rng.random() < 0.7 else "", "", ""

    # --- a day ----------------------------------------------------------------------------

    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        rng = self.rng
        starts = [c.start for c in day_calls(output) if c.lastapp == "Queue" and c.number != ""]
        sessions = working_agents(plans, self.ctx.roster, self.blended)
        day_start = self.ctx.clock.midnight(day)
        day_end = self.ctx.clock.midnight(day + timedelta(days=1))
        new: list[Ticket] = []
        for channel, per_call in VOLUME_PER_CALL.items():
            n = int(rng.poisson(per_call * len(starts))) if starts else 0
            for _ in range(n):
                if channel == "email":  # e-mails come day and night, fewer at night
                    t = day_start + int(rng.uniform(0, day_end - day_start))
                    if rng.random() < 0.5 and starts:
                        t = int(starts[int(rng.integers(len(starts)))] + rng.normal(0, 1800))
                else:
                    t = int(starts[int(rng.integers(len(starts)))] + rng.normal(0, 300))
                t = min(max(t, day_start), day_end - 1)
                customer, email, phone, handle = self._requester(channel)
                queue = self.ctx.specs[int(rng.choice(len(self.queue_p), p=self.queue_p))].name
                self.next_id += 1
                ticket = Ticket(self.next_id, channel, customer, email, phone, handle, queue, t, t)
                if channel != "chat":
                    delay = RESPONSE_DELAY[channel] * float(np.exp(rng.normal(0, 0.8)))
                    ticket.ready = t + int(delay)
                new.append(ticket)
        for ticket in sorted(new, key=lambda x: x.created):
            if ticket.channel == "chat":
                self._chat(ticket, sessions)
            else:
                self.pending.append(ticket)
        still: list[Ticket] = []
        for ticket in self.pending:
            if not self._respond(ticket, sessions):
                still.append(ticket)
        self.pending = still
        self._flush(day)

    def _chat(self, t: Ticket, sessions: list) -> None:
        rng = self.rng
        wait = int(rng.exponential(CHAT_WAIT_MEAN)) + 3
        agents = on_shift(sessions, t.created + wait)
        if not agents or rng.exponential(CHAT_PATIENCE_MEAN) < wait:
            t.status = "missed"
            t.solved = t.created + min(wait, int(rng.exponential(CHAT_PATIENCE_MEAN)) + 5)
            self._keep(t)
            return
        agent = agents[int(rng.integers(len(agents)))]
        t.agent = agent.agent_id
        t.assigned = t.created + wait
        t.first_response = t.assigned + int(rng.uniform(5, 25))
        t.concurrency = int(rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15]))
        duration = int(600 * float(np.exp(rng.normal(0, 0.6))) * agent.speed) + 60
        t.solved = t.assigned + duration
        t.handle_seconds = duration // t.concurrency + int(rng.uniform(15, 60))
        t.messages = 2 + int(duration // 45)
        t.status = "solved"
        self._keep(t)

    def _respond(self, t: Ticket, sessions: list) -> bool:
        """The first blended agent free for it: one logged in when the response is due (at
        random among them), else whoever logs in next; False when nobody does today."""
        rng = self.rng
        covering = [a for a, login, logout in sessions if login <= t.ready < logout - 600]
        if covering:
            at, agent = t.ready, covering[int(rng.integers(len(covering)))]
        else:
            later = [(login, a) for a, login, logout in sessions if login > t.ready]
            if not later:
                return False
            at = min(login for login, _ in later)
            firsts = [a for login, a in later if login == at]
            agent = firsts[int(rng.integers(len(firsts)))]
        t.agent = agent.agent_id
        t.assigned = at
        t.first_response = at + int(rng.uniform(60, 600))
        t.handle_seconds = int(HANDLE[t.channel] * float(np.exp(rng.normal(0, 0.5))) * agent.speed)
        # most are solved with the first answer, some after the customer writes back
        rounds = 1 if rng.random() < 0.7 else int(rng.integers(2, 4))
        t.messages = 2 * rounds
        t.solved = t.first_response + (rounds - 1) * int(rng.exponential(6 * 3600)) + 30
        t.handle_seconds += (rounds - 1) * int(HANDLE[t.channel] * 0.5)
        t.status = "solved"
        self._keep(t)
        return True

    # --- files ----------------------------------------------------------------------------

    def _keep(self, t: Ticket) -> None:
        self.buffer.setdefault(week_of(self.ctx.clock.local_date(t.last_update())), []).append(t)

    def _flush(self, upto: date) -> None:
        # a week is complete once its Sunday has been simulated
        for monday in sorted(m for m in self.buffer if m + timedelta(days=6) <= upto):
            self._write(monday, self.buffer.pop(monday))

    def _path(self, monday: date) -> Path:
        year, week, _ = monday.isocalendar()
        return self.ctx.out_dir / "digital" / "contacts" / f"tickets-{year}-W{week:02d}.csv"

    def _write(self, monday: date, tickets: list[Ticket]) -> None:
        path = self._path(monday)
        rows = [t.row() for t in sorted(tickets, key=lambda x: x.ticket_id)]
        write_csv(path, HEADER, rows)
        if path not in self.written:
            self.written.append(path)

    def finish(self) -> list[Path]:
        # the export's state at the end of the last day: later answers are not known yet
        late: list[Ticket] = [t for ts in self.buffer.values() for t in ts]
        late += self.pending
        self.buffer = {}
        last: list[Ticket] = []
        for t in late:
            if t.first_response is not None and t.first_response >= self.end_epoch:
                t = replace(t, status="new", agent="", assigned=None, first_response=None)
                t = replace(t, solved=None, handle_seconds=None, concurrency=None, messages=1)
            elif t.solved is not None and t.solved >= self.end_epoch:
                t = replace(t, status="open", solved=None, handle_seconds=None)
            if t.assigned is not None and t.assigned >= self.end_epoch:
                t = replace(t, status="new", agent="", assigned=None)
            last.append(t)
        if last:
            path = self._path(week_of(self.last_day))
            existing = []
            if path.exists():
                with open(path, encoding="utf-8", newline="") as fh:
                    existing = list(csv.reader(fh))[1:]
            rows = existing + [t.row() for t in sorted(last, key=lambda x: x.ticket_id)]
            write_csv(path, HEADER, rows)
            if path not in self.written:
                self.written.append(path)
        return sorted(self.written)


def week_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.isoweekday() - 1)


def make(ctx: CompanionContext) -> DigitalChannels:
    return DigitalChannels(ctx)
