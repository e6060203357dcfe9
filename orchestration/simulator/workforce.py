"""The people: roster, skills, weekly shift patterns and each day's plan (login, pauses, logout).

Scheme (documented in `__init__`): agents are dynamic queue members. At the start of a
shift the agent's login feature code runs AddQueueMember once per skill queue
(`ADDMEMBER` lines, `log_membername_as_agent = yes`, so the member name `Agent/1001` is
the queue_log agent); at the end RemoveQueueMember (`REMOVEMEMBER`). Breaks, lunch,
training, meetings and personal time are pauses with a reason code.

Shifts are planned once: each agent has a contract (8 h continuous, 8 h split in two
4-hour halves -- the Spanish "jornada partida", who log in twice a day -- 6 h or 4 h) and
a weekday shift chosen so that the staffed curve follows the expected workload (least
squares), a weekly day off when on the weekend rota, and a few absences. Everything is
drawn from generators seeded by the caller.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from orchestration.simulator.profiles import (
    CenterProfile,
    QueueSpec,
    intraday_weight,
    weekday_calls,
)

if TYPE_CHECKING:
    from orchestration.simulator.writers import LocalClock

FIRST_NAMES = (
    "María",
    "Carmen",
    "Ana",
    "Laura",
    "Lucía",
    "Marta",
    "Elena",
    "Paula",
    "Sara",
    "Cristina",
    "Isabel",
    "Raquel",
    "Beatriz",
    "Patricia",
    "Sonia",
    "Nuria",
    "Silvia",
    "Irene",
    "Alba",
    "Andrea",
    "Claudia",
    "Noelia",
    "Rocío",
    "Pilar",
    "Teresa",
    "Eva",
    "Rosa",
    "Mónica",
    "Inés",
    "Julia",
    "Antonio",
    "José",
    "Manuel",
    "Francisco",
    "David",
    "Juan",
    "Javier",
    "Daniel",
    "Carlos",
    "Alejandro",
    "Miguel",
    "Rafael",
    "Pablo",
    "Sergio",
    "Fernando",
    "Jorge",
    "Alberto",
    "Luis",
    "Álvaro",
    "Adrián",
    "Diego",
    "Raúl",
    "Iván",
    "Rubén",
    "Óscar",
    "Andrés",
    "Víctor",
    "Marcos",
    "Hugo",
    "Jaime",
)
SURNAMES = (
    "García",
    "Rodríguez",
    "González",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Alonso",
    "Gutiérrez",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Ramírez",
    "Serrano",
    "Blanco",
    "Molina",
    "Morales",
    "Suárez",
    "Ortega",
    "Delgado",
    "Castro",
    "Ortiz",
    "Rubio",
    "Marín",
    "Sanz",
    "Núñez",
    "Iglesias",
    "Medina",
    "Garrido",
    "Cortés",
    "Castillo",
    "Santos",
    "Lozano",
    "Guerrero",
    "Cano",
    "Prieto",
    "Méndez",
    "Cruz",
    "Calvo",
    "Gallego",
    "Vidal",
    "León",
    "Herrera",
    "Márquez",
    "Peña",
    "Flores",
)
# (kind, minutes, share of agents); "split" works two 4-hour halves with a long lunch between.
CONTRACTS = (("full", 480, 0.32), ("split", 480, 0.22), ("part", 360, 0.2), ("part", 240, 0.26))
SPLIT_GAPS = (150, 180, 210)  # minutes between the halves of a split shift
MAX_TEAM_SIZE = 15
SMALL_TEAM = 10  # agents per queue below which every agent serves every queue
LUNCH_WINDOW = (13 * 60 + 30, 15 * 60 + 30)  # local minutes; lunches of long shifts
LUNCH_FACTOR = 0.67
SLOT_MINUTES = 30


@dataclass(frozen=True)
class AgentSpec:
    """One agent of the roster."""

    index: int
    agent_id: str  # queue_log member name, Agent/1001
    extension: str  # SIP endpoint, 1001
    name: str
    team: str
    role: str
    hire_date: date
    skills: tuple[int, ...]  # queue indexes, primary first
    contract: str  # full | split | part
    contract_minutes: int
    weekday_segments: tuple[tuple[int, int], ...]  # local (start minute, minutes) per login
    speed: float  # handle-time multiplier (tenure, skill)
    answer_probability: float  # answers a ringing call (else RINGNOANSWER)


@dataclass
class PausePlan:
    start: int  # epoch
    reason: str
    seconds: int


@dataclass
class Session:
    """One login of an agent (epochs are UTC seconds)."""

    login: int
    logout: int
    overtime_limit: int  # closing agents stay while callers wait, until this time
    pauses: list[PausePlan]


@dataclass
class AgentDay:
    """What one agent does on one day: one session, two for a split shift."""

    agent: int
    queues: tuple[int, ...]
    penalties: tuple[int, ...]
    sessions: list[Session]


# ---------------------------------------------------------------- roster


def build_roster(
    n_agents: int,
    specs: Sequence[QueueSpec],
    profile: CenterProfile,
    start: date,
    rng: np.random.Generator,
) -> list[AgentSpec]:
    """Agents with names, teams, skills and a weekday shift; deterministic for `rng`."""
    if n_agents < 1:
        raise ValueError(f"simulate: agents must be at least 1, got {n_agents}")
    if n_agents > 8999:
        raise ValueError(f"simulate: at most 8999 agents (Agent/1001..Agent/9999), got {n_agents}")
    py = random.Random(int(rng.integers(2**62)))
    names = _unique_names(n_agents, py)
    contracts = _contracts(n_agents, py)
    open_min, close_min = _main_hours(profile)
    workload = _workload_curve(specs, profile, open_min, close_min, n_agents)
    shifts = plan_shifts(contracts, workload, open_min, close_min)
    primaries = _primary_queues([seg[0][0] for seg in shifts], specs)
    skills = _add_secondary_skills(primaries, len(specs), py)
    teams = _teams(primaries, specs)
    agents: list[AgentSpec] = []
    for i in range(n_agents):
        tenure_days = int(py.uniform(60, 8 * 365) if py.random() < 0.85 else py.uniform(20, 180))
        hire = start - timedelta(days=tenure_days)
        speed = math.exp(py.gauss(0.0, 0.1)) * (1.12 if tenure_days < 180 else 1.0)
        agents.append(
            AgentSpec(
                index=i,
                agent_id=f"Agent/{1001 + i}",
                extension=str(1001 + i),
                name=names[i],
                team=teams[i],
                role="agent",
                hire_date=hire,
                skills=skills[i],
                contract=contracts[i][0],
                contract_minutes=contracts[i][1],
                weekday_segments=shifts[i],
                speed=speed,
                answer_probability=py.uniform(0.95, 0.995),
            )
        )
    return _assign_roles(agents)


def _unique_names(n: int, py: random.Random) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < n:
        name = f"{py.choice(FIRST_NAMES)} {py.choice(SURNAMES)} {py.choice(SURNAMES)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _contracts(n: int, py: random.Random) -> list[tuple[str, int]]:
    counts = [int(round(share * n)) for _, _, share in CONTRACTS]
    counts[0] += n - sum(counts)
    pool = [
        (kind, minutes)
        for (kind, minutes, _), c in zip(CONTRACTS, counts, strict=True)
        for _ in range(c)
    ]
    py.shuffle(pool)
    return pool


def _main_hours(profile: CenterProfile) -> tuple[int, int]:
    for wd in range(1, 8):
        hours = profile.opening.hours(wd)
        if hours:
            return hours
    raise ValueError("simulate: the opening hours close the center every day of the week")


def _workload_curve(
    specs: Sequence[QueueSpec], profile: CenterProfile, open_min: int, close_min: int, n_agents: int
) -> list[float]:
    """Agents needed per 30-minute slot of a weekday (square-root staffing, 12 % shrinkage)."""
    total_share = sum(s.volume_share for s in specs)
    daily_calls = weekday_calls(profile, specs, n_agents)
    slots = list(range(open_min, close_min, SLOT_MINUTES))
    need = [0.0] * len(slots)
    for spec in specs:
        weights = [
            intraday_weight(
                (m + SLOT_MINUTES / 2) / 60,
                open_min,
                close_min,
                spec.afternoon_weight,
                saturday=False,
            )
            for m in slots
        ]
        norm = sum(weights) or 1.0
        aht = _lognormal_mean(spec.talk) + _lognormal_mean(spec.acw)
        calls = daily_calls * spec.volume_share / total_share
        for k, w in enumerate(weights):
            need[k] += calls * w / norm * aht / (SLOT_MINUTES * 60)
    return [(a + 0.9 * math.sqrt(a)) / 0.88 if a > 0 else 0.0 for a in need]


def _lognormal_mean(params: tuple[float, float]) -> float:
    median, sigma = params
    return median * math.exp(sigma * sigma / 2)


Candidate = tuple[tuple[tuple[int, int], ...], list[tuple[int, float]]]  # segments, slot weights


def _candidates(kind: str, minutes: int, open_min: int, close_min: int) -> list[Candidate]:
    """Every shift an agent of this contract could work, with its staffed weight per slot."""
    n_slots = (close_min - open_min) // SLOT_MINUTES
    out: list[Candidate] = []

    def slots(first: int, length: int, lunch: bool) -> list[tuple[int, float]]:
        return [
            (
                k,
                LUNCH_FACTOR
                if lunch and LUNCH_WINDOW[0] <= open_min + k * SLOT_MINUTES < LUNCH_WINDOW[1]
                else 1.0,
            )
            for k in range(first, first + length)
        ]

    if kind == "split" and close_min - open_min >= minutes + min(SPLIT_GAPS):
        half = minutes // 2 // SLOT_MINUTES
        for gap in SPLIT_GAPS:
            g = gap // SLOT_MINUTES
            for k in range(0, n_slots - 2 * half - g + 1):
                segs = (
                    (open_min + k * SLOT_MINUTES, half * SLOT_MINUTES),
                    (open_min + (k + half + g) * SLOT_MINUTES, half * SLOT_MINUTES),
                )
                out.append((segs, slots(k, half, False) + slots(k + half + g, half, False)))
        return out
    length = max(1, min(minutes, close_min - open_min) // SLOT_MINUTES)
    for k in range(0, n_slots - length + 1):
        segs = ((open_min + k * SLOT_MINUTES, length * SLOT_MINUTES),)
        out.append((segs, slots(k, length, length * SLOT_MINUTES >= 420)))
    return out


def plan_shifts(
    contracts: Sequence[tuple[str, int]],
    need: Sequence[float],
    open_min: int,
    close_min: int,
    passes: int = 8,
) -> list[tuple[tuple[int, int], ...]]:
    """Weekday shifts whose staffed curve follows `need` (least squares, coordinate descent).

    Each agent in turn takes the shift of their contract that most reduces the squared gap
    between staffed and needed agents per 30-minute slot (an 8-hour continuous shift counts
    2/3 during the lunch window, where its lunch falls); a few passes converge. Needs are
    scaled to the agents there are.
    """
    options = {c: _candidates(c[0], c[1], open_min, close_min) for c in set(contracts)}
    supply = sum(max(sum(w for _, w in cand[1]) for cand in options[c]) for c in contracts)
    scale = supply / (sum(need) or 1.0)
    target = [x * scale for x in need]
    cover = [0.0] * len(need)
    chosen: list[int | None] = [None] * len(contracts)
    order = sorted(range(len(contracts)), key=lambda i: (-contracts[i][1], contracts[i][0], i))
    for _ in range(passes):
        changed = False
        for i in order:
            cands = options[contracts[i]]
            if chosen[i] is not None:
                for k, w in cands[chosen[i]][1]:
                    cover[k] -= w
            best, best_cost = 0, math.inf
            for c, (_, weights) in enumerate(cands):
                cost = sum(w * (2 * (cover[k] - target[k]) + w) for k, w in weights)
                if cost < best_cost - 1e-9:
                    best, best_cost = c, cost
            changed |= chosen[i] != best
            chosen[i] = best
            for k, w in cands[best][1]:
                cover[k] += w
        if not changed:
            break
    return [options[contracts[i]][c or 0][0] for i, c in enumerate(chosen)]


def _primary_queues(starts: Sequence[int], specs: Sequence[QueueSpec]) -> list[int]:
    """Spread each queue's primary agents over the shift starts, in proportion to workload."""
    work = [s.volume_share * (_lognormal_mean(s.talk) + _lognormal_mean(s.acw)) for s in specs]
    total = sum(work)
    shares = [w / total for w in work]
    assigned = [0] * len(specs)
    primary = [0] * len(starts)
    for rank, i in enumerate(sorted(range(len(starts)), key=lambda i: (starts[i], i))):
        deficits = [shares[q] * (rank + 1) - assigned[q] for q in range(len(specs))]
        q = max(range(len(specs)), key=lambda q: (deficits[q], -q))
        primary[i] = q
        assigned[q] += 1
    return primary


def _add_secondary_skills(
    primaries: Sequence[int], n_queues: int, py: random.Random
) -> list[tuple[int, ...]]:
    """About half the agents also serve one or two other queues (penalty 1 there).

    Small centers cannot afford single-skilled agents: below SMALL_TEAM agents per queue
    everyone serves every queue (their own first), fading out up to SMALL_TEAM + 4.
    """
    per_queue = len(primaries) / max(1, n_queues)
    all_queues = min(1.0, max(0.0, (SMALL_TEAM + 4 - per_queue) / 4))
    skills: list[tuple[int, ...]] = []
    for p in primaries:
        others = [q for q in range(n_queues) if q != p]
        if py.random() < all_queues:
            skills.append((p, *others))
            continue
        u = py.random()
        if not others or u >= 0.52:
            skills.append((p,))
        elif u < 0.12:
            skills.append((p, *others[:2]))
        else:
            skills.append((p, py.choice(others)))
    return skills


def _teams(primaries: Sequence[int], specs: Sequence[QueueSpec]) -> list[str]:
    teams = [""] * len(primaries)
    for q, spec in enumerate(specs):
        members = [i for i, p in enumerate(primaries) if p == q]
        n_teams = max(1, math.ceil(len(members) / MAX_TEAM_SIZE))
        for rank, i in enumerate(members):
            teams[i] = spec.label if n_teams == 1 else f"{spec.label} {rank % n_teams + 1}"
    return teams


def _assign_roles(agents: list[AgentSpec]) -> list[AgentSpec]:
    """The longest-serving agent of each team is its team lead; the next 15 % are seniors."""
    by_team: dict[str, list[AgentSpec]] = {}
    for a in agents:
        by_team.setdefault(a.team, []).append(a)
    roles: dict[int, str] = {}
    for members in by_team.values():
        ranked = sorted(members, key=lambda a: (a.hire_date, a.index))
        n_senior = max(0, round(0.15 * len(ranked)))
        for rank, a in enumerate(ranked):
            roles[a.index] = (
                "team_lead" if rank == 0 else ("senior_agent" if rank <= n_senior else "agent")
            )
    return [AgentSpec(**{**a.__dict__, "role": roles[a.index]}) for a in agents]


# ---------------------------------------------------------------- days


def weekend_rota(n_agents: int, profile: CenterProfile, week: int) -> set[int]:
    """Agents who work the weekend in week `week` (0-based from the start of the run)."""
    k = max(1, round(n_agents * profile.saturday_staff_share)) if n_agents > 1 else 1
    return {(week * k + j) % n_agents for j in range(min(k, n_agents))}


def works_on(
    agent: AgentSpec, day: date, week: int, rota: set[int], profile: CenterProfile
) -> bool:
    """Scheduled to work (before absences): weekdays, or weekends when on the rota."""
    wd = day.isoweekday()
    if profile.opening.hours(wd) is None:
        return False
    on_rota = agent.index in rota
    if wd >= 6:
        return on_rota
    if on_rota:
        n_weekend = sum(1 for d in (6, 7) if profile.opening.hours(d) is not None)
        days_off = {2 + (agent.index + week + j) % 4 for j in range(n_weekend)}
        return wd not in days_off
    return True


def day_segments(
    agent: AgentSpec, day: date, profile: CenterProfile
) -> tuple[tuple[int, int], ...]:
    """Local (start, end) minutes of each login that day, inside the opening hours."""
    hours = profile.opening.hours(day.isoweekday())
    assert hours is not None
    open_min, close_min = hours
    if day.isoweekday() >= 6:
        length = min(agent.contract_minutes, close_min - open_min, 300)
        if close_min - open_min <= 390:
            return ((open_min, open_min + length),)
        slot = (agent.index * 97) % max(1, (close_min - open_min - length) // SLOT_MINUTES + 1)
        start = open_min + slot * SLOT_MINUTES
        return ((start, start + length),)
    segments = []
    for start, length in agent.weekday_segments:
        length = min(length, close_min - open_min)
        start = min(max(start, open_min), close_min - length)
        segments.append((start, start + length))
    return tuple(segments)


def plan_pauses(
    agent: AgentSpec, login: int, logout: int, local_start: int, day: date, py: random.Random
) -> list[PausePlan]:
    """Breaks (Spanish PVD), lunch, weekly team meeting, occasional training and personal time."""
    length = (logout - login) // 60
    wanted: list[tuple[int, str, int]] = []  # (minutes after login, reason, seconds)

    def at(frac: float, jitter: float) -> int:
        return int(length * frac + py.uniform(-jitter, jitter))

    if length >= 420:
        lunch_local = py.uniform(LUNCH_WINDOW[0], LUNCH_WINDOW[1] - 30) - local_start
        if 150 <= lunch_local <= length - 120:
            wanted.append((int(lunch_local), "Lunch", int(py.uniform(30, 45) * 60)))
        else:  # late shift: a shorter meal break in the afternoon trough (~15:00)
            trough = min(max(15 * 60 - local_start, 120), length - 120) + py.uniform(-15, 15)
            wanted.append((int(trough), "Break", int(py.uniform(20, 30) * 60)))
        wanted.append((at(0.22, 15), "Break", int(py.uniform(8, 13) * 60)))
        wanted.append((at(0.82, 15), "Break", int(py.uniform(8, 13) * 60)))
    elif length >= 300:
        wanted.append((at(0.33, 15), "Break", int(py.uniform(9, 14) * 60)))
        wanted.append((at(0.72, 15), "Break", int(py.uniform(8, 12) * 60)))
    else:
        wanted.append((at(0.5, 20), "Break", int(py.uniform(9, 15) * 60)))
    team_day = 2 + sum(ord(c) for c in agent.team) % 3
    meeting_local = 15 * 60 + (30 if agent.index % 2 else 0)
    if day.isoweekday() == team_day and 60 <= meeting_local - local_start <= length - 60:
        wanted.append((meeting_local - local_start, "Meeting", int(py.uniform(20, 30) * 60)))
    if length >= 360 and py.random() < 0.04:
        wanted.append(
            (int(py.uniform(120, length - 180)), "Training", int(py.uniform(45, 90) * 60))
        )
    if py.random() < 0.3:
        wanted.append((int(py.uniform(30, length - 40)), "Personal", int(py.uniform(4, 12) * 60)))
    return _non_overlapping(wanted, login, logout)


def _non_overlapping(
    wanted: list[tuple[int, str, int]], login: int, logout: int
) -> list[PausePlan]:
    plans: list[PausePlan] = []
    last_end = login + 20 * 60
    for minutes, reason, seconds in sorted(wanted):
        start = login + minutes * 60
        if start < last_end + 10 * 60 or start + seconds > logout - 15 * 60:
            continue
        plans.append(PausePlan(start, reason, seconds))
        last_end = start + seconds
    return plans


def day_queues(
    agents: Sequence[AgentSpec], present: dict[int, list[tuple[int, int]]], n_queues: int
) -> dict[int, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Skill queues and penalties per present agent for the day.

    Supervisors make sure no queue is left without a member while it is open: for any
    30-minute window a queue has nobody for, the present agent with fewest skills covering
    that window is added to it (penalty 1) for the day.
    """
    skills = {i: list(agents[i].skills) for i in present}
    windows = [(i, s, e) for i, ws in present.items() for s, e in ws]
    if not windows:
        return {}
    first = min(s for _, s, _ in windows)
    last = max(e for _, _, e in windows)
    for q in range(n_queues):
        t = first
        while t < last:
            covering = sorted({i for i, s, e in windows if s <= t < e})
            if covering and not any(q in skills[i] for i in covering):
                pick = min(covering, key=lambda i: (len(skills[i]), i))
                skills[pick].append(q)
            t += SLOT_MINUTES * 60
    return {
        i: (tuple(qs), tuple(0 if k == 0 else 1 for k in range(len(qs))))
        for i, qs in skills.items()
    }


def plan_day(
    agents: Sequence[AgentSpec],
    profile: CenterProfile,
    clock: LocalClock,
    day: date,
    week: int,
    n_queues: int,
    py: random.Random,
) -> list[AgentDay]:
    """Who logs in when on `day`, with which queues, pauses and overtime allowance."""
    hours = profile.opening.hours(day.isoweekday())
    if hours is None:
        return []
    open_min, close_min = hours
    rota = weekend_rota(len(agents), profile, week)
    # Some evenings the closers leave on the dot (even a little early), callers or not.
    strict = py.random() < profile.strict_close_probability
    sessions: dict[int, list[tuple[int, int, int, bool]]] = {}  # login, logout, local, closing
    for a in agents:
        if not works_on(a, day, week, rota, profile) or py.random() < profile.absence_probability:
            continue
        sessions[a.index] = []
        for s_min, e_min in day_segments(a, day, profile):
            begin = clock.epoch_of(day, s_min)
            if s_min <= open_min:
                login = begin - py.randint(120, 600)  # the opening shift is at the desk early
            else:
                login = begin + int(min(360, max(-360, py.gauss(-60, 120))))
            closing = e_min >= close_min - 15
            leave = py.randint(-180, 0) if closing and strict else py.randint(0, 120)
            logout = begin + (e_min - s_min) * 60 + leave
            sessions[a.index].append((login, logout, s_min, closing))
    present = {i: [(s[0], s[1]) for s in ss] for i, ss in sessions.items()}
    skills = day_queues(agents, present, n_queues)
    plans: list[AgentDay] = []
    for i, ss in sessions.items():
        queues, penalties = skills[i]
        planned = []
        for login, logout, local_start, closing in ss:
            overtime = logout + py.randint(60, 8 * 60) if closing and not strict else logout
            pauses = plan_pauses(agents[i], login, logout, local_start, day, py)
            planned.append(Session(login, logout, overtime, pauses))
        plans.append(AgentDay(i, queues, penalties, planned))
    return plans


def staffed_plans(
    agents_per_slot: dict[int, int],
    n_agents: int,
    clock: LocalClock,
    day: date,
    n_queues: int,
    slot_minutes: int = SLOT_MINUTES,
) -> list[AgentDay]:
    """Plans that put exactly ``agents_per_slot[m]`` agents on every queue from local minute m.

    For staffing experiments (the Erlang closed loop): agent k works every slot where
    k < the slot's agents, so the staffed curve is met exactly with contiguous sessions and
    no pauses (shrinkage is the planner's business, not the experiment's). Every agent serves
    every queue. No randomness: the day's other draws are unchanged.
    """
    needed = max(agents_per_slot.values(), default=0)
    if needed > n_agents:
        raise ValueError(
            f"simulate: the staffing table needs {needed} agents on {day}, the roster has "
            f"{n_agents}; run with more agents"
        )
    slots = sorted(agents_per_slot)
    plans: list[AgentDay] = []
    queues = tuple(range(n_queues))
    for k in range(needed):
        runs: list[list[int]] = []  # [start, end) local minutes of each session
        for m in slots:
            if agents_per_slot[m] <= k:
                continue
            if runs and runs[-1][1] == m:
                runs[-1][1] = m + slot_minutes
            else:
                runs.append([m, m + slot_minutes])
        sessions = [
            Session(clock.epoch_of(day, s), clock.epoch_of(day, e), clock.epoch_of(day, e), [])
            for s, e in runs
        ]
        if sessions:
            plans.append(AgentDay(k, queues, tuple(0 for _ in queues), sessions))
    return plans
