"""Self-service: the IVR in front of the PBX, one row per IVR session with its menu path.

The IVR is a hosted front end (a voice-portal export): every inbound call starts in it; the
caller either finishes in self-service (balance, opening hours, payment by keypad...), hangs up
in a menu, or asks for an agent and is transferred to the PBX, where the call gets the PBX's
``uniqueid``. So:
- every inbound queue visit of the simulated PBX (first visit of a call) has one IVR session
  that ends when the PBX call starts, ``outcome = transferred``, ``pbx_uniqueid`` = the call's
  uniqueid and ``transfer_queue`` = its queue; its path ends in the queue's menu option;
- calls contained in the IVR never reach the PBX (no CDR, no queue_log): ``outcome = contained``
  with ``end_reason`` completed (a self-service task done) or caller_hangup (left in a menu).
  They come from the same customers (`CustomerDirectory`: the repeat callers' pool) and
  one-off callers, at the same times of day as the PBX calls.

Files: ``ivr/sessions/ivr-YYYYMMDD.csv`` per local day with calls (no file for a closed day).
Columns: session_id, pbx_uniqueid, caller_number, dnis, started_at, ended_at (UTC, ISO 8601
with Z), node_path (nodes joined by '>'), nodes_visited, exit_node, outcome, end_reason,
transfer_queue, intent.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from orchestration.simulator.companions import CompanionContext
from orchestration.simulator.companions._files import day_calls, iso_utc, write_csv
from orchestration.simulator.companions.customers import CustomerDirectory
from orchestration.simulator.model import DayOutput
from orchestration.simulator.workforce import AgentDay

DNIS = "900100200"
CONTAINED_PER_TRANSFER = 0.45  # contained sessions per session transferred to the PBX
COMPLETED_SHARE = 0.7  # of contained sessions: a self-service task done (else hung up)
# intents that can be served in the IVR: (intent, menu, self-service nodes)
SELF_SERVICE = (
    ("balance", "billing", ("auth_pin", "balance_readout")),
    ("payment", "billing", ("auth_pin", "pay_by_card", "payment_confirmed")),
    ("opening_hours", "info", ("hours_readout",)),
    ("order_status", "sales", ("auth_order_number", "order_status_readout")),
    ("outage_info", "support", ("postcode_entry", "outage_readout")),
)
HEADER = [
    "session_id", "pbx_uniqueid", "caller_number", "dnis", "started_at", "ended_at",
    "node_path", "nodes_visited", "exit_node", "outcome", "end_reason", "transfer_queue",
    "intent",
]  # fmt: skip


class SelfService:
    def __init__(self, ctx: CompanionContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("ivr")
        # per-call scalar draws: Python's generator (seeded from ctx.rng) is ~50x faster
        self.py = random.Random(int(self.rng.integers(2**62)))
        self.directory = CustomerDirectory(ctx.seed, ctx.known_customers, ctx.start)
        self.next_id = 0
        self.written: list[Path] = []

    def _session_id(self) -> str:
        self.next_id += 1
        return f"IVR-{self.ctx.seed % 1000:03d}-{self.next_id:09d}"

    def _prefix(self) -> list[str]:
        path = ["welcome", "language_es" if self.py.random() < 0.85 else "language_en"]
        if self.py.random() < 0.15:
            path.append("main_menu_repeat")
        return [*path, "main_menu"]

    def on_day(self, day: date, plans: list[AgentDay], output: DayOutput) -> None:
        rng, py = self.rng, self.py
        rows: list[list[object]] = []
        seen: set[str] = set()
        firsts = []
        for call in day_calls(output):
            if call.lastapp != "Queue" or call.uniqueid in seen:
                continue
            seen.add(call.uniqueid)
            firsts.append(call)
        for call in firsts:
            nodes = self._prefix()
            intent = "agent_request"
            if py.random() < 0.35:  # tried self-service first, then asked for an agent
                option = SELF_SERVICE[py.randrange(len(SELF_SERVICE))]
                intent = option[0]
                nodes += [f"menu_{option[1]}", option[2][0], "agent_fallback"]
            nodes += [f"menu_{call.queue}", f"transfer_{call.queue}"]
            seconds = int(8 * len(nodes) + py.gammavariate(2.0, 10.0))
            rows.append([
                self._session_id(), call.uniqueid, call.number, DNIS,
                iso_utc(call.start - seconds), iso_utc(call.start), ">".join(nodes), len(nodes),
                nodes[-1], "transferred", "transferred", call.queue, intent,
            ])  # fmt: skip
        if firsts:
            n = int(rng.poisson(CONTAINED_PER_TRANSFER * len(firsts)))
            for _ in range(n):
                like = firsts[py.randrange(len(firsts))]
                start = int(like.start + py.gauss(0, 600))
                customers = self.directory.customers
                if customers and py.random() < 0.5:
                    number = customers[py.randrange(len(customers))].phone
                else:  # a one-off caller
                    number = f"9{py.randrange(10_000_000, 99_999_999)}"
                option = SELF_SERVICE[py.randrange(len(SELF_SERVICE))]
                nodes = [*self._prefix(), f"menu_{option[1]}"]
                if py.random() < COMPLETED_SHARE:
                    nodes += [*option[2], "goodbye"]
                    reason = "completed"
                else:
                    nodes += list(option[2][: int(py.randrange(len(option[2])))])
                    reason = "caller_hangup"
                seconds = int(12 * len(nodes) + py.gammavariate(2.0, 15.0))
                rows.append([
                    self._session_id(), "", number, DNIS, iso_utc(start),
                    iso_utc(start + seconds), ">".join(nodes), len(nodes), nodes[-1],
                    "contained", reason, "", option[0],
                ])  # fmt: skip
        rows.sort(key=lambda r: (str(r[4]), str(r[0])))
        if not rows:  # a closed day: no file, like the PBX's
            return
        path = self.ctx.out_dir / "ivr" / "sessions" / f"ivr-{day:%Y%m%d}.csv"
        self.written.append(write_csv(path, HEADER, rows))

    def finish(self) -> list[Path]:
        return list(self.written)


def make(ctx: CompanionContext) -> SelfService:
    return SelfService(ctx)
