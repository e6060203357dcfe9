"""Discrete-event engine: one local day at a time, in integer seconds, on a heapq event queue.

Time is whole UTC epoch seconds throughout, so every duration the simulator writes
(CONNECT holdtime, COMPLETE* calltime, ABANDON waittime, RINGNOANSWER ms) is exactly
the difference of the epochs it writes. A day runs from local midnight to local midnight
(23, 24 or 25 hours around clock changes); the center closes before midnight, so days
are independent: every call and every login of a day ends that day. Agents on a split
shift log in twice.

A queue call: arrival at the PBX (channel created: uniqueid `epoch.n`), welcome message,
`ENTERQUEUE`, then rings idle unpaused members one at a time (lowest penalty first, then
the queue's strategy: rrmemory or leastrecent). A member who does not answer within the
ring timeout gets `RINGNOANSWER` and the caller waits `retry` seconds before the next
member. The caller leaves on their own patience (`ABANDON`, `RINGCANCELED` if a member
was ringing), on the queue timeout (`EXITWITHTIMEOUT`), by pressing 1 for a callback
after a periodic announcement (`EXITWITHKEY`), or when the last member logs off
(`EXITEMPTY`). Answered calls get `CONNECT`, optional `HOLD`/`UNHOLD` pairs (dialplan
QueueLog()), and end with `COMPLETECALLER`, `COMPLETEAGENT`, `BLINDTRANSFER` (to another
queue: the same uniqueid then enters that queue, or to a back-office extension) or
`ATTENDEDTRANSFER` (to an outside number). The agent then pauses with reason ACW.
"""

from __future__ import annotations

import heapq
import math
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from orchestration.simulator.profiles import CenterProfile, QueueSpec
from orchestration.simulator.workforce import AgentDay, AgentSpec
from orchestration.simulator.writers import QUEUE_CONTEXT, LocalClock, cdr_row

# Call states
WAITING, RINGING, CONNECTED, DONE, PENDING = 1, 2, 3, 4, 5
# Agent states
OFF, IDLE, BUSY, PAUSED = 0, 1, 2, 3
# Event kinds (also their priority within one second: ends before starts)
EV_RING_END, EV_CALL_END, EV_ACW_END, EV_PAUSE_END = 0, 1, 2, 3
EV_GIVEUP, EV_EMPTY_CHECK, EV_RETRY, EV_LOGIN = 4, 5, 6, 7
EV_PAUSE_START, EV_LOGOUT, EV_ARRIVAL, EV_ENTER = 8, 9, 10, 11

TRUNKS = ("trunk-movistar", "trunk-orange")
BACK_OFFICE = ("2101", "2102", "2201", "2301")
EXTERNAL_PARTNERS = ("900102030", "900455660", "912345600", "934560120")
INTERNAL_CONTEXT = "from-internal"


@dataclass
class DayStats:
    calls: int = 0  # queue visits (ENTERQUEUE)
    answered: int = 0
    abandoned: int = 0
    lost_before_queue: int = 0
    events: int = 0
    cdr_rows: int = 0


@dataclass
class Counters:
    """Carried across days: Asterisk's channel counter and the CDR sequence."""

    channel: int
    cdr_sequence: int = 0


@dataclass
class DayInput:
    day_start: int
    day_end: int
    close: int  # last moment a redial may arrive
    arrivals: list[tuple[int, int, str]]  # (epoch, queue index, caller number)
    agent_days: list[AgentDay]
    trunk_incident: tuple[int, int] | None = None


class VoiceCall(NamedTuple):
    """One CDR row of the simulated PBX as the companions read it: a queue visit, a call lost
    before the queue, or the outgoing leg after a transfer (``lastapp == 'Dial'``). The engine
    records it next to the row it writes (same values as the row, no parsing)."""

    uniqueid: str  # = the queue_log callid
    number: str  # caller number ('anonymous' when withheld)
    dst: str  # the queue's extension (6001...) or the transfer target
    lastapp: str  # Queue, Dial, Playback, Hangup...
    queue: str | None  # queue name for a queue visit (from lastdata)
    agent_extension: str | None  # the answering agent's SIP extension (1001...), if answered
    start: int  # UTC epoch seconds
    answer: int | None
    end: int
    disposition: str  # ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION
    userfield: str


@dataclass
class DayOutput:
    queue_log: list[tuple[int, int, str]] = field(default_factory=list)  # (epoch, seq, line)
    cdr: list[tuple[int, int, str]] = field(default_factory=list)  # (end epoch, seq, row)
    stats: DayStats = field(default_factory=DayStats)
    calls: list[VoiceCall] = field(default_factory=list)  # the CDR rows' values, same order


class Call:
    __slots__ = (
        "uid",
        "number",
        "channel",
        "queue",
        "t_arrive",
        "t_seg",
        "t_enter",
        "opos",
        "state",
        "agent",
        "ring_start",
        "ring_token",
        "ring_uid",
        "ring_chan",
        "ring_answer",
        "tried",
        "next_try",
        "visit",
        "token",
        "serial",
        "t_connect",
        "end_kind",
        "xfer",
    )

    def __init__(self, serial: int, t: int, queue: int, number: str) -> None:
        self.serial = serial
        self.t_arrive = t
        self.t_seg = t
        self.queue = queue
        self.number = number
        self.uid = ""
        self.channel = ""
        self.t_enter = 0
        self.opos = 0
        self.state = PENDING
        self.agent: AgentRun | None = None
        self.ring_start = 0
        self.ring_token = 0
        self.ring_uid = ""
        self.ring_chan = ""
        self.ring_answer = False
        self.tried: set[int] = set()
        self.next_try = 0
        self.visit = 1
        self.token = 0
        self.t_connect = 0
        self.end_kind = ""
        self.xfer = ""


class AgentRun:
    __slots__ = (
        "spec",
        "idx",
        "state",
        "queues",
        "penalty",
        "pending",
        "logout_due",
        "overtime_limit",
        "token",
        "last_call_end",
        "name",
    )

    def __init__(self, spec: AgentSpec, plan: AgentDay) -> None:
        self.spec = spec
        self.idx = spec.index
        self.name = spec.agent_id
        self.state = OFF
        self.queues = plan.queues
        self.penalty = dict(zip(plan.queues, plan.penalties, strict=True))
        self.pending: list[tuple[str, int]] = []
        self.logout_due = False
        self.overtime_limit = 0
        self.token = 0
        self.last_call_end = 0


class QueueRun:
    __slots__ = ("spec", "name", "ext", "waiting", "idle", "members", "rr_last")

    def __init__(self, spec: QueueSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.ext = str(spec.extension)
        self.waiting: list[Call] = []
        self.idle: set[int] = set()
        self.members: set[int] = set()
        self.rr_last = -1


class DayEngine:
    """Simulates one day; `run()` returns the day's queue_log lines and CDR rows."""

    def __init__(
        self,
        specs: Sequence[QueueSpec],
        agents: Sequence[AgentSpec],
        profile: CenterProfile,
        clock: LocalClock,
        day: DayInput,
        counters: Counters,
        py: random.Random,
    ) -> None:
        self.specs = specs
        self.profile = profile
        self.clock = clock
        self.day = day
        self.counters = counters
        self.py = py
        self.queues = [QueueRun(s) for s in specs]
        self.n_agents = max(1, len(agents))
        self.runs = {p.agent: AgentRun(agents[p.agent], p) for p in day.agent_days}
        self.out = DayOutput()
        self.heap: list[tuple[int, int, int, object, int]] = []
        self.seq = 0
        self.serial = 0
        self.now = day.day_start
        self.handlers: list[Callable[[object, int], None]] = [
            self._on_ring_end,
            self._on_call_end,
            self._on_acw_end,
            self._on_pause_end,
            self._on_giveup,
            self._on_empty_check,
            self._on_retry,
            self._on_login,
            self._on_pause_start,
            self._on_logout,
            self._on_arrival,
            self._on_enter,
        ]

    # ------------------------------------------------------------ plumbing

    def run(self) -> DayOutput:
        for plan in self.day.agent_days:
            a = self.runs[plan.agent]
            for session in plan.sessions:
                self._push(session.login, EV_LOGIN, (a, session.overtime_limit))
                for p in session.pauses:
                    self._push(p.start, EV_PAUSE_START, (a, p.reason, p.seconds))
                self._push(session.logout, EV_LOGOUT, a)
        for t, q, number in self.day.arrivals:
            self._new_call(t, q, number)
        heap, handlers, pop = self.heap, self.handlers, heapq.heappop
        while heap:
            t, kind, _, obj, token = pop(heap)
            self.now = t
            handlers[kind](obj, token)
        self.out.stats.events = len(self.out.queue_log)
        self.out.stats.cdr_rows = len(self.out.cdr)
        return self.out

    def _push(self, t: int, kind: int, obj: object, token: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, kind, self.seq, obj, token))

    def _log(self, t: int, uid: str, queue: str, agent: str, event: str, data: str) -> None:
        self.seq += 1
        self.out.queue_log.append((t, self.seq, f"{t}|{uid}|{queue}|{agent}|{event}|{data}\n"))

    def _new_channel(self) -> int:
        self.counters.channel += 1
        return self.counters.channel

    def _new_call(self, t: int, q: int, number: str) -> None:
        self.serial += 1
        self._push(t, EV_ARRIVAL, Call(self.serial, t, q, number))

    def _lognormal(self, params: tuple[float, float], scale: float = 1.0) -> float:
        median, sigma = params
        return median * scale * math.exp(self.py.gauss(0.0, sigma))

    # ------------------------------------------------------------ CDR

    def _cdr(
        self,
        call: Call,
        *,
        dst: str,
        dcontext: str,
        dstchannel: str,
        lastapp: str,
        lastdata: str,
        start: int,
        answer: int | None,
        end: int,
        disposition: str,
        userfield: str = "",
    ) -> None:
        self.counters.cdr_sequence += 1
        row = cdr_row(
            src=call.number,
            dst=dst,
            dcontext=dcontext,
            channel=call.channel,
            dstchannel=dstchannel,
            lastapp=lastapp,
            lastdata=lastdata,
            start=start,
            answer=answer,
            end=end,
            disposition=disposition,
            uniqueid=call.uid,
            userfield=userfield,
            sequence=self.counters.cdr_sequence,
            clock=self.clock,
        )
        self.seq += 1
        self.out.cdr.append((end, self.seq, row))
        answered = disposition == "ANSWERED"
        self.out.calls.append(
            VoiceCall(
                call.uid,
                call.number,
                dst,
                lastapp,
                lastdata.split(",", 1)[0] if lastapp == "Queue" else None,
                dstchannel.split("/", 1)[1].rsplit("-", 1)[0]
                if answered and "/" in dstchannel
                else None,
                start,
                answer if answered else None,
                end,
                disposition,
                userfield,
            )
        )

    def _queue_cdr(self, call: Call, end: int, *, answered: bool, userfield: str = "") -> None:
        q = self.queues[call.queue]
        self._cdr(
            call,
            dst=q.ext,
            dcontext=QUEUE_CONTEXT,
            dstchannel=call.ring_chan if answered else "",
            lastapp="Queue",
            lastdata=f"{q.name},t,,,{self.profile.queue_timeout_seconds}",
            start=call.t_seg,
            answer=call.t_connect if answered else None,
            end=end,
            disposition="ANSWERED" if answered else "NO ANSWER",
            userfield=userfield,
        )

    def _lost(
        self,
        call: Call,
        end: int,
        *,
        lastapp: str,
        lastdata: str,
        disposition: str,
        userfield: str = "",
    ) -> None:
        q = self.queues[call.queue]
        self._cdr(
            call,
            dst=q.ext,
            dcontext=QUEUE_CONTEXT,
            dstchannel="",
            lastapp=lastapp,
            lastdata=lastdata,
            start=call.t_seg,
            answer=None,
            end=end,
            disposition=disposition,
            userfield=userfield,
        )
        if call.visit == 1:
            self.out.stats.lost_before_queue += 1

    # ------------------------------------------------------------ calls

    def _on_arrival(self, call: Call, _token: int) -> None:
        t, py, prof = self.now, self.py, self.profile
        n = self._new_channel()
        call.uid = f"{t}.{n}"
        call.channel = f"PJSIP/{TRUNKS[n % 2]}-{n:08x}"
        u = py.random()
        incident = self.day.trunk_incident
        if incident and incident[0] <= t < incident[1] and py.random() < prof.trunk_incident_loss:
            kind = "BUSY" if py.random() < 0.6 else "CONGESTION"
            self._trunk_loss(call, kind)
            return
        p_busy = prof.trunk_busy_probability
        p_cong = p_busy + prof.trunk_congestion_probability
        p_fail = p_cong + prof.trunk_failed_probability
        if u < p_fail:
            self._trunk_loss(
                call, "BUSY" if u < p_busy else "CONGESTION" if u < p_cong else "FAILED"
            )
            return
        welcome = int(min(40, max(6, self._lognormal((12.0, 0.35)))))
        if u < p_fail + prof.welcome_hangup_probability:
            self._lost(
                call,
                t + py.randint(2, welcome),
                lastapp="Playback",
                lastdata="custom/bienvenida",
                disposition="NO ANSWER",
            )
            return
        self._push(t + welcome, EV_ENTER, call)

    def _trunk_loss(self, call: Call, kind: str) -> None:
        t = self.now
        if kind == "BUSY":
            self._lost(
                call, t + self.py.randint(1, 12), lastapp="Busy", lastdata="20", disposition="BUSY"
            )
        elif kind == "CONGESTION":
            self._lost(
                call,
                t + self.py.randint(1, 6),
                lastapp="Congestion",
                lastdata="20",
                disposition="CONGESTION",
            )
        else:
            self._lost(
                call,
                t + self.py.randint(0, 1),
                lastapp="Playback",
                lastdata="custom/bienvenida",
                disposition="FAILED",
            )

    def _on_enter(self, call: Call, _token: int) -> None:
        t, q = self.now, self.queues[call.queue]
        if not q.members or len(q.waiting) >= q.spec.maxlen:
            # Queue() cannot join (JOINEMPTY / FULL): app_queue.c writes nothing to
            # queue_log; the dialplan plays a message and hangs up.
            status = "JOINEMPTY" if not q.members else "FULL"
            self._lost(
                call,
                t + self.py.randint(3, 9),
                lastapp="Queue",
                lastdata=f"{q.name},t,,,{self.profile.queue_timeout_seconds}",
                disposition="NO ANSWER",
                userfield=f"QUEUESTATUS={status}",
            )
            return
        call.t_enter = t
        call.opos = len(q.waiting) + 1
        call.state = WAITING
        call.tried = set()
        call.next_try = t
        call.token += 1
        q.waiting.append(call)
        self.out.stats.calls += 1
        self._log(t, call.uid, q.name, "NONE", "ENTERQUEUE", f"|{call.number}|{call.opos}")
        delay, reason = self._giveup_plan(q.spec)
        self._push(t + delay, EV_GIVEUP, (call, reason), call.token)
        self._route_call(call)

    def _giveup_plan(self, spec: QueueSpec) -> tuple[int, str]:
        py, prof = self.py, self.profile
        if py.random() < spec.short_patience_share:
            patience = py.uniform(1.0, 6.0)
        else:
            patience = self._lognormal(spec.patience)
        p = spec.callback_key_probability
        announcements = 1 + int(math.log(1.0 - py.random()) / math.log(1.0 - p))
        key_at = announcements * prof.periodic_announce_seconds + py.randint(2, 6)
        timeout = prof.queue_timeout_seconds + py.randint(0, 2)
        options = [(max(1, int(round(patience))), "ABANDON"), (key_at, "KEY"), (timeout, "TIMEOUT")]
        return min(options)

    def _on_giveup(self, obj: tuple[Call, str], token: int) -> None:
        call, reason = obj
        if call.token == token and call.state in (WAITING, RINGING):
            self._exit_queue(call, reason)

    def _on_empty_check(self, call: Call, token: int) -> None:
        if call.token == token and call.state == WAITING and not self.queues[call.queue].members:
            self._exit_queue(call, "EMPTY")

    def _exit_queue(self, call: Call, reason: str) -> None:
        t, q, py = self.now, self.queues[call.queue], self.py
        pos = q.waiting.index(call) + 1
        q.waiting.remove(call)
        ringing = call.agent if call.state == RINGING else None
        if ringing is not None:
            self._log(
                t, call.uid, q.name, ringing.name, "RINGCANCELED", str((t - call.ring_start) * 1000)
            )
            call.ring_token += 1
        call.state = DONE
        call.agent = None
        wait = t - call.t_enter
        end, userfield = t, ""
        if reason == "ABANDON":
            self._log(t, call.uid, q.name, "NONE", "ABANDON", f"{pos}|{call.opos}|{wait}")
        elif reason == "TIMEOUT":
            self._log(t, call.uid, q.name, "NONE", "EXITWITHTIMEOUT", f"{pos}|{call.opos}|{wait}")
            end, userfield = t + py.randint(5, 15), "QUEUESTATUS=TIMEOUT"
        elif reason == "KEY":
            self._log(t, call.uid, q.name, "NONE", "EXITWITHKEY", f"1|{pos}|{call.opos}|{wait}")
            end, userfield = t + py.randint(8, 20), "CALLBACK"
        else:
            self._log(t, call.uid, q.name, "NONE", "EXITEMPTY", f"{pos}|{call.opos}|{wait}")
            end, userfield = t + py.randint(5, 12), "QUEUESTATUS=LEAVEEMPTY"
        self.out.stats.abandoned += 1
        self._queue_cdr(call, end, answered=False, userfield=userfield)
        if reason == "ABANDON" and call.visit == 1:
            self._maybe_redial(call)
        if ringing is not None:
            self._agent_ready(ringing)

    def _maybe_redial(self, call: Call) -> None:
        py = self.py
        if py.random() >= self.profile.redial_after_abandon_probability:
            return
        t = self.now + max(45, int(self._lognormal((420.0, 0.8))))
        if t < self.day.close:
            self._new_call(t, call.queue, call.number)

    def _on_retry(self, call: Call, _token: int) -> None:
        self._route_call(call)

    def _route_call(self, call: Call) -> None:
        if call.state != WAITING or call.next_try > self.now:
            return
        agent = self._pick_agent(call)
        if agent is None and call.tried:
            call.tried.clear()
            agent = self._pick_agent(call)
        if agent is not None:
            self._start_ring(call, agent)

    def _pick_agent(self, call: Call) -> AgentRun | None:
        q = self.queues[call.queue]
        best: AgentRun | None = None
        best_key: tuple[int, int, int] | None = None
        rr = q.spec.strategy == "rrmemory"
        for ai in q.idle:
            if ai in call.tried:
                continue
            a = self.runs[ai]
            metric = (ai - q.rr_last - 1) % self.n_agents if rr else a.last_call_end
            key = (a.penalty[call.queue], metric, ai)
            if best_key is None or key < best_key:
                best, best_key = a, key
        return best

    def _offer(self, a: AgentRun) -> None:
        """An agent became free: ring them for the best waiting call of their queues."""
        t = self.now
        best: Call | None = None
        best_key: tuple[int, int, int] | None = None
        for qi in a.queues:
            for call in self.queues[qi].waiting:
                if call.state == WAITING and call.next_try <= t and a.idx not in call.tried:
                    key = (a.penalty[qi], call.t_enter, call.serial)
                    if best_key is None or key < best_key:
                        best, best_key = call, key
                    break
        if best is not None:
            self._start_ring(best, a)

    def _start_ring(self, call: Call, a: AgentRun) -> None:
        t, py = self.now, self.py
        self._set_busy(a)
        call.state = RINGING
        call.agent = a
        call.ring_start = t
        call.ring_token += 1
        n = self._new_channel()
        call.ring_uid = f"{t}.{n}"
        call.ring_chan = f"PJSIP/{a.spec.extension}-{n:08x}"
        timeout = self.profile.member_ring_timeout_seconds
        call.ring_answer = py.random() < a.spec.answer_probability
        if call.ring_answer:
            ring = min(timeout - 1, max(1, int(round(self._lognormal((3.5, 0.45))))))
        else:
            ring = timeout
        self._push(t + ring, EV_RING_END, call, call.ring_token)

    def _on_ring_end(self, call: Call, token: int) -> None:
        if token != call.ring_token or call.state != RINGING or call.agent is None:
            return
        t, a, q = self.now, call.agent, self.queues[call.queue]
        ring = t - call.ring_start
        if call.ring_answer:
            self._connect(call, a, ring)
            return
        self._log(t, call.uid, q.name, a.name, "RINGNOANSWER", str(ring * 1000))
        call.state = WAITING
        call.agent = None
        call.tried.add(a.idx)
        call.next_try = t + self.profile.retry_seconds
        self._push(call.next_try, EV_RETRY, call)
        self._agent_ready(a)

    def _connect(self, call: Call, a: AgentRun, ring: int) -> None:
        t, q, py, spec = self.now, self.queues[call.queue], self.py, self.queues[call.queue].spec
        q.waiting.remove(call)
        q.rr_last = a.idx
        call.state = CONNECTED
        call.t_connect = t
        self.out.stats.answered += 1
        self._log(
            t, call.uid, q.name, a.name, "CONNECT", f"{t - call.t_enter}|{call.ring_uid}|{ring}"
        )
        talk = max(15, int(self._lognormal(spec.talk, a.spec.speed)))
        holds: list[int] = []
        if py.random() < spec.hold_probability:
            holds.append(max(5, int(self._lognormal(spec.hold))))
            if py.random() < spec.second_hold_probability:
                holds.append(max(5, int(self._lognormal(spec.hold))))
        call.end_kind, call.xfer = self._end_kind(call, spec)
        if call.end_kind == "ATTENDEDTRANSFER":
            consult = max(10, int(self._lognormal((40.0, 0.5))))
            holds.append(consult)
        calltime = self._log_holds(call, q.name, a.name, talk, holds)
        self._push(t + calltime, EV_CALL_END, call)

    def _log_holds(self, call: Call, queue: str, agent: str, talk: int, holds: list[int]) -> int:
        """Write HOLD/UNHOLD pairs inside the call; return the call time (talk + holds)."""
        if not holds:
            return talk
        py, t0 = self.py, self.now
        consult_last = call.end_kind == "ATTENDEDTRANSFER"
        n_inner = len(holds) - 1 if consult_last else len(holds)
        cuts = sorted(int(talk * py.uniform(0.15, 0.85)) for _ in range(n_inner))
        elapsed, talked = 0, 0
        for i in range(n_inner):
            cut = max(cuts[i], talked + 5)
            start = t0 + elapsed + (cut - talked)
            elapsed += (cut - talked) + holds[i]
            talked = cut
            self._log(start, call.uid, queue, agent, "HOLD", "")
            self._log(start + holds[i], call.uid, queue, agent, "UNHOLD", "")
        elapsed += max(5, talk - talked)
        if consult_last:
            start = t0 + elapsed
            elapsed += holds[-1]
            self._log(start, call.uid, queue, agent, "HOLD", "")
            self._log(start + holds[-1], call.uid, queue, agent, "UNHOLD", "")
        return elapsed

    def _end_kind(self, call: Call, spec: QueueSpec) -> tuple[str, str]:
        py = self.py
        u = py.random()
        if u < spec.attended_transfer_share:
            return "ATTENDEDTRANSFER", py.choice(EXTERNAL_PARTNERS)
        if u < spec.attended_transfer_share + spec.blind_transfer_share:
            others = [i for i in range(len(self.queues)) if i != call.queue]
            if call.visit == 1 and others and py.random() < spec.blind_to_queue_share:
                return "BLINDTRANSFER", f"queue:{py.choice(others)}"
            return "BLINDTRANSFER", py.choice(BACK_OFFICE)
        return ("COMPLETEAGENT" if py.random() < spec.agent_hangup_share else "COMPLETECALLER"), ""

    def _on_call_end(self, call: Call, _token: int) -> None:
        t, q, py = self.now, self.queues[call.queue], self.py
        a = call.agent
        assert a is not None
        hold, calltime = call.t_connect - call.t_enter, t - call.t_connect
        tail = f"{hold}|{calltime}|{call.opos}"
        kind = call.end_kind
        if kind == "BLINDTRANSFER":
            target = call.xfer
            exten = self.queues[int(target[6:])].ext if target.startswith("queue:") else target
            self._log(t, call.uid, q.name, a.name, kind, f"{exten}|{INTERNAL_CONTEXT}|{tail}")
        elif kind == "ATTENDEDTRANSFER":
            bridge = uuid.UUID(int=py.getrandbits(128), version=4)
            self._log(t, call.uid, q.name, a.name, kind, f"BRIDGE|{bridge}|{tail}")
        else:
            self._log(t, call.uid, q.name, a.name, kind, tail)
        self._queue_cdr(call, t, answered=True)
        call.state = DONE
        call.agent = None
        self._after_transfer(call)
        a.last_call_end = t
        acw = max(5, int(self._lognormal(q.spec.acw, a.spec.speed)))
        self._pause(a, "ACW")
        a.token += 1
        self._push(t + acw, EV_ACW_END, a, a.token)

    def _after_transfer(self, call: Call) -> None:
        """Where the caller goes after a transfer: another queue, a desk, an outside number."""
        t, py, kind, target = self.now, self.py, call.end_kind, call.xfer
        if kind == "BLINDTRANSFER" and target.startswith("queue:"):
            call.visit += 1
            call.queue = int(target[6:])
            call.t_seg = t
            call.t_connect = 0
            call.ring_chan = ""
            call.state = PENDING
            self._push(t + py.randint(1, 3), EV_ENTER, call)
            return
        if kind not in ("BLINDTRANSFER", "ATTENDEDTRANSFER"):
            return
        n = self._new_channel()
        if kind == "BLINDTRANSFER":
            answered = py.random() < 0.85
            answer = t + py.randint(3, 15) if answered else None
            end = answer + max(20, int(self._lognormal((150.0, 0.7)))) if answer else t + 30
            self._cdr(
                call,
                dst=target,
                dcontext=INTERNAL_CONTEXT,
                dstchannel=f"PJSIP/{target}-{n:08x}",
                lastapp="Dial",
                lastdata=f"PJSIP/{target},30",
                start=t,
                answer=answer,
                end=end,
                disposition="ANSWERED" if answered else "NO ANSWER",
            )
        else:
            end = t + max(20, int(self._lognormal((180.0, 0.7))))
            self._cdr(
                call,
                dst=target,
                dcontext=INTERNAL_CONTEXT,
                dstchannel=f"PJSIP/{TRUNKS[0]}-{n:08x}",
                lastapp="Dial",
                lastdata=f"PJSIP/{target}@{TRUNKS[0]},60",
                start=t,
                answer=t,
                end=end,
                disposition="ANSWERED",
            )

    # ------------------------------------------------------------ agents

    def _pause(self, a: AgentRun, reason: str) -> None:
        t = self.now
        if self.profile.pause_all_queues:
            self._log(t, "NONE", "NONE", a.name, "PAUSEALL", "")
        for qi in a.queues:
            self._log(t, "NONE", self.queues[qi].name, a.name, "PAUSE", reason)
        self._set_busy(a)
        a.state = PAUSED

    def _unpause(self, a: AgentRun) -> None:
        t = self.now
        if self.profile.pause_all_queues:
            self._log(t, "NONE", "NONE", a.name, "UNPAUSEALL", "")
        for qi in a.queues:
            self._log(t, "NONE", self.queues[qi].name, a.name, "UNPAUSE", "")

    def _set_busy(self, a: AgentRun) -> None:
        for qi in a.queues:
            self.queues[qi].idle.discard(a.idx)
        a.state = BUSY

    def _make_idle(self, a: AgentRun) -> None:
        a.state = IDLE
        for qi in a.queues:
            self.queues[qi].idle.add(a.idx)

    def _agent_ready(self, a: AgentRun) -> None:
        """The agent is free again: log off if due, start a pending pause, or take calls."""
        if a.logout_due:
            if self._should_stay(a):
                a.logout_due = False
                self._push(self.now + 30, EV_LOGOUT, a)
            else:
                self._logout(a)
                return
        if a.pending:
            reason, seconds = a.pending.pop(0)
            self._start_pause(a, reason, seconds)
            return
        self._make_idle(a)
        self._offer(a)

    def _start_pause(self, a: AgentRun, reason: str, seconds: int) -> None:
        self._pause(a, reason)
        a.token += 1
        self._push(self.now + seconds, EV_PAUSE_END, a, a.token)

    def _on_acw_end(self, a: AgentRun, token: int) -> None:
        if token == a.token and a.state == PAUSED:
            self._unpause(a)
            self._agent_ready(a)

    def _on_pause_end(self, a: AgentRun, token: int) -> None:
        if token == a.token and a.state == PAUSED:
            self._unpause(a)
            self._agent_ready(a)

    def _on_pause_start(self, obj: tuple[AgentRun, str, int], _token: int) -> None:
        a, reason, seconds = obj
        if a.state == OFF or a.logout_due:
            return
        if a.state == IDLE:
            self._start_pause(a, reason, seconds)
        else:
            a.pending.append((reason, seconds))

    def _on_login(self, obj: tuple[AgentRun, int], _token: int) -> None:
        t, (a, overtime_limit) = self.now, obj
        a.overtime_limit = overtime_limit
        if a.state != OFF:  # still finishing the previous session's last call
            return
        n = self._new_channel()
        uid = f"{t}.{n}"
        for qi in a.queues:
            q = self.queues[qi]
            self._log(t, uid, q.name, a.name, "ADDMEMBER", "")
            q.members.add(a.idx)
        self._make_idle(a)
        self._offer(a)

    def _on_logout(self, a: AgentRun, _token: int) -> None:
        if a.state == OFF:
            return
        if a.state == IDLE:
            if self._should_stay(a):
                self._push(self.now + 30, EV_LOGOUT, a)
            else:
                self._logout(a)
        else:
            a.logout_due = True

    def _should_stay(self, a: AgentRun) -> bool:
        return self.now < a.overtime_limit and any(self.queues[qi].waiting for qi in a.queues)

    def _logout(self, a: AgentRun) -> None:
        t, py = self.now, self.py
        n = self._new_channel()
        uid = f"{t}.{n}"
        self._set_busy(a)
        for qi in a.queues:
            q = self.queues[qi]
            self._log(t, uid, q.name, a.name, "REMOVEMEMBER", "")
            q.members.discard(a.idx)
            if not q.members:
                for call in q.waiting:
                    self._push(t + py.randint(2, 8), EV_EMPTY_CHECK, call, call.token)
        a.state = OFF
        a.logout_due = False
        a.pending.clear()
