"""The simulator writes what Asterisk and the HR system would, consistently and reproducibly.

Small runs (a few days, 12 agents) in pytest's temporary folders; each check reads the
written files back as the ingestion would.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from orchestration.simulator import SimulationConfig, simulate
from orchestration.simulator.profiles import CenterProfile, OpeningHours
from orchestration.simulator.simulation import run_simulation
from orchestration.simulator.writers import LocalClock

TZ = "Europe/Madrid"
CALL_EVENTS = {
    "ENTERQUEUE",
    "RINGNOANSWER",
    "RINGCANCELED",
    "CONNECT",
    "HOLD",
    "UNHOLD",
    "COMPLETECALLER",
    "COMPLETEAGENT",
    "BLINDTRANSFER",
    "ATTENDEDTRANSFER",
    "ABANDON",
    "EXITWITHTIMEOUT",
    "EXITWITHKEY",
    "EXITEMPTY",
}
AGENT_EVENTS = {"ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL"}
ANSWERED_END = {"COMPLETECALLER", "COMPLETEAGENT", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
UNANSWERED_END = {"ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"}
DISPOSITIONS = {"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"}
QUEUE_EXTENSIONS = {"sales": "6001", "support": "6002", "billing": "6003"}
PAUSE_REASONS = {"acw", "break", "lunch", "training", "meeting", "personal"}
UNIQUEID = re.compile(r"^\d{10}\.\d+$")
LOCAL_FMT = "%Y-%m-%d %H:%M:%S"


# ------------------------------------------------------------------ helpers


def queue_log(root: Path) -> list[tuple[Path, list[str]]]:
    out = []
    for path in sorted((root / "asterisk" / "queue_log").glob("queue_log-*")):
        for line in path.read_text(encoding="utf-8").splitlines():
            out.append((path, line.split("|")))
    return out


def cdr_rows(root: Path) -> list[tuple[Path, list[str]]]:
    out = []
    for path in sorted((root / "asterisk" / "cdr").glob("Master-*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            out.extend((path, row) for row in csv.reader(fh))
    return out


def digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def visits(lines: list[list[str]]) -> dict[str, list[list[list[str]]]]:
    """Per callid, its queue visits: each the list of call lines from ENTERQUEUE on."""
    per_call: dict[str, list[list[list[str]]]] = defaultdict(list)
    for f in lines:
        if f[4] not in CALL_EVENTS:
            continue
        if f[4] == "ENTERQUEUE":
            per_call[f[1]].append([f])
        else:
            assert per_call[f[1]], f"{f[4]} before any ENTERQUEUE for {f[1]}"
            per_call[f[1]][-1].append(f)
    return per_call


def abandon_rate(root: Path) -> float:
    events = Counter(f[4] for _, f in queue_log(root))
    return sum(events[e] for e in UNANSWERED_END) / events["ENTERQUEUE"]


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    """Three weekdays of a 12-agent center."""
    root = tmp_path_factory.mktemp("sim")
    summary = simulate(root, days=3, agents=12, seed=7, start=date(2026, 10, 6), progress=False)
    return root, summary


@pytest.fixture(scope="module")
def lines(run) -> list[list[str]]:
    return [f for _, f in queue_log(run[0])]


# ------------------------------------------------------------------ determinism


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    kwargs = dict(days=2, agents=12, start=date(2026, 10, 5), progress=False)
    simulate(tmp_path / "a", seed=3, **kwargs)
    simulate(tmp_path / "b", seed=3, **kwargs)
    simulate(tmp_path / "c", seed=4, **kwargs)
    a, b, c = (digest(tmp_path / x) for x in "abc")
    assert a and a == b
    assert a != c


# ------------------------------------------------------------------ queue_log


def test_summary_matches_the_files(run) -> None:
    root, summary = run
    log = queue_log(root)
    assert summary.events == len(log)
    assert summary.calls == sum(1 for _, f in log if f[4] == "ENTERQUEUE")
    assert summary.cdr_rows == len(cdr_rows(root))
    assert summary.files and all(p.exists() for p in summary.files)
    assert (root / "asterisk" / "queues.conf") in summary.files
    assert summary.calls > 500 and summary.lost_before_queue > 0


def test_every_line_is_a_known_well_formed_event_in_time_order(run) -> None:
    clock = LocalClock(TZ)
    for path, rows in _by_file(queue_log(run[0])).items():
        day = datetime.strptime(path.name, "queue_log-%Y%m%d").date()
        epochs = []
        for f in rows:
            assert len(f) >= 5, f
            assert f[0].isdigit(), f
            assert f[4] in CALL_EVENTS | AGENT_EVENTS, f
            assert f[1] == "NONE" or UNIQUEID.match(f[1]), f
            assert f[3] == "NONE" or re.match(r"^Agent/\d{4}$", f[3]), f
            assert clock.local_date(int(f[0])) == day, f"{f} is not on {day}"
            epochs.append(int(f[0]))
        assert epochs == sorted(epochs), path


def _by_file(rows: list[tuple[Path, list[str]]]) -> dict[Path, list[list[str]]]:
    out: dict[Path, list[list[str]]] = defaultdict(list)
    for path, f in rows:
        out[path].append(f)
    return out


def test_each_queue_visit_ends_with_exactly_one_terminal_event(lines) -> None:
    for callid, call_visits in visits(lines).items():
        for visit in call_visits:
            events = [f[4] for f in visit]
            ends = [e for e in events if e in ANSWERED_END | UNANSWERED_END]
            assert len(ends) == 1, (callid, events)
            assert events[-1] == ends[0], (callid, events)
            assert len({f[2] for f in visit}) == 1, (callid, "a visit stays in one queue")
            if "CONNECT" in events:
                assert events.count("CONNECT") == 1 and ends[0] in ANSWERED_END, events
            else:
                assert ends[0] in UNANSWERED_END, events


def test_parameters_equal_the_differences_of_the_written_epochs(lines) -> None:
    checked = Counter()
    for call_visits in visits(lines).values():
        for visit in call_visits:
            entered = int(visit[0][0])
            connect = next((f for f in visit if f[4] == "CONNECT"), None)
            end = next(f for f in visit if f[4] in ANSWERED_END | UNANSWERED_END)
            t_end, data = int(end[0]), end[5:]
            if connect is not None:
                t_conn = int(connect[0])
                assert int(connect[5]) == t_conn - entered  # holdtime
                assert UNIQUEID.match(connect[6]) and int(connect[7]) >= 0
                hold, calltime, origpos = data[-3:]
                assert int(hold) == t_conn - entered, end
                assert int(calltime) == t_end - t_conn, end
                assert origpos == visit[0][7]
                checked["answered"] += 1
            else:
                wait = data[3] if end[4] == "EXITWITHKEY" else data[2]
                assert int(wait) == t_end - entered, end
                assert int(data[-2]) == int(visit[0][7])  # origposition
                checked["unanswered"] += 1
    assert checked["answered"] > 100 and checked["unanswered"] > 0


def test_holds_pair_up_inside_the_call(lines) -> None:
    holds = 0
    for call_visits in visits(lines).values():
        for visit in call_visits:
            connect = next((f for f in visit if f[4] == "CONNECT"), None)
            end = next(f for f in visit if f[4] in ANSWERED_END | UNANSWERED_END)
            on_hold = None
            for f in visit:
                if f[4] == "HOLD":
                    assert connect is not None and on_hold is None
                    assert int(connect[0]) < int(f[0]) < int(end[0])
                    assert f[3] == connect[3]  # the answering agent
                    on_hold = int(f[0])
                    holds += 1
                elif f[4] == "UNHOLD":
                    assert on_hold is not None and on_hold < int(f[0]) <= int(end[0])
                    on_hold = None
            assert on_hold is None
    assert holds > 0


def test_blind_transfer_to_a_queue_keeps_the_callid(lines) -> None:
    by_extension = {v: k for k, v in QUEUE_EXTENSIONS.items()}
    moved = 0
    for call_visits in visits(lines).values():
        for first, second in zip(call_visits, call_visits[1:], strict=False):
            end = next(f for f in first if f[4] in ANSWERED_END | UNANSWERED_END)
            assert end[4] == "BLINDTRANSFER", "only a blind transfer re-enters a queue"
            assert by_extension[end[5]] == second[0][2]
            assert int(second[0][0]) >= int(end[0])
            moved += 1
    assert moved > 0


def test_abandonment_rises_when_staffing_falls(tmp_path: Path) -> None:
    base = SimulationConfig(
        out_dir=tmp_path / "full",
        days=3,
        agents=12,
        demand_agents=12,
        seed=11,
        start=date(2026, 10, 6),
        progress=False,
    )
    run_simulation(base)
    run_simulation(replace(base, out_dir=tmp_path / "short", agents=8))
    assert abandon_rate(tmp_path / "short") > abandon_rate(tmp_path / "full") + 0.03


# ------------------------------------------------------------------ agents


def test_agents_pause_only_while_logged_in_and_after_every_call(lines) -> None:
    member: dict[tuple[str, str], bool] = defaultdict(bool)
    paused: dict[tuple[str, str], bool] = defaultdict(bool)
    reasons = Counter()
    acw_at: set[tuple[str, str]] = set()
    for f in lines:
        key = (f[3], f[2])
        if f[4] == "ADDMEMBER":
            assert not member[key], f
            member[key] = True
        elif f[4] == "REMOVEMEMBER":
            assert member[key] and not paused[key], f
            member[key] = False
        elif f[4] == "PAUSE":
            assert member[key] and not paused[key], f
            assert f[1] == "NONE" and f[5].lower() in PAUSE_REASONS, f
            paused[key] = True
            reasons[f[5]] += 1
            if f[5] == "ACW":
                acw_at.add((f[3], f[0]))
        elif f[4] == "UNPAUSE":
            assert member[key] and paused[key], f
            paused[key] = False
        elif f[4] == "CONNECT":
            assert not paused[key] and member[key], f
    assert not any(member.values()), "everyone logs off by the end of the day"
    for f in lines:
        if f[4] in ANSWERED_END:
            assert (f[3], f[0]) in acw_at, f"no ACW pause right after {f}"
    assert {"ACW", "Break", "Lunch"} <= set(reasons)


def test_pause_in_all_queues_writes_pauseall_first(tmp_path: Path) -> None:
    profile = CenterProfile(pause_all_queues=True)
    run_simulation(
        SimulationConfig(
            out_dir=tmp_path,
            days=1,
            agents=12,
            seed=5,
            start=date(2026, 10, 6),
            progress=False,
            profile=profile,
        )
    )
    rows = [f for _, f in queue_log(tmp_path)]
    for i, f in enumerate(rows):
        if f[4] == "PAUSEALL":
            assert f[1:3] == ["NONE", "NONE"] and f[5] == ""
            nxt = rows[i + 1]
            assert nxt[4] == "PAUSE" and nxt[3] == f[3] and nxt[0] == f[0]
    assert sum(f[4] == "PAUSEALL" for f in rows) > 0


def test_roster_and_queues_conf(run, lines) -> None:
    root = run[0]
    with open(root / "roster" / "agents.csv", newline="", encoding="utf-8") as fh:
        roster = list(csv.DictReader(fh))
    assert list(roster[0]) == [
        "agent_id",
        "agent_name",
        "team",
        "site_id",
        "role",
        "hire_date",
        "leave_date",
    ]
    assert len(roster) == 12 and {r["site_id"] for r in roster} == {"MAD"}
    ids = {r["agent_id"] for r in roster}
    assert {f[3] for f in lines if f[3] != "NONE"} <= ids
    assert all(
        len(r["agent_name"].split()) == 3 and date.fromisoformat(r["hire_date"]) for r in roster
    )
    conf = (root / "asterisk" / "queues.conf").read_text(encoding="utf-8")
    for queue, sl in (("sales", 20), ("support", 30), ("billing", 20)):
        section = conf.split(f"[{queue}]")[1].split("\n[")[0]
        assert f"servicelevel = {sl}" in section and "maxlen = " in section


# ------------------------------------------------------------------ CDR


def test_cdr_rows_are_cdr_csv_with_consistent_times(run, lines) -> None:
    rows = cdr_rows(run[0])
    entered = {f[1]: QUEUE_EXTENSIONS[f[2]] for f in lines if f[4] == "ENTERQUEUE"}
    queue_rows = Counter()
    for path, r in rows:
        assert len(r) == 21, r
        start = datetime.strptime(r[9], LOCAL_FMT)
        end = datetime.strptime(r[11], LOCAL_FMT)
        assert int(r[12]) == (end - start).total_seconds()
        if r[10]:
            assert int(r[13]) == (end - datetime.strptime(r[10], LOCAL_FMT)).total_seconds()
        else:
            assert r[13] == "0" and r[14] != "ANSWERED"
        assert r[14] in DISPOSITIONS
        assert r[16] == r[19] and UNIQUEID.match(r[16])
        assert path.name == f"Master-{end:%Y%m%d}.csv"
        if r[7] == "Queue":
            assert r[2] in QUEUE_EXTENSIONS.values()
            queue_rows[r[16]] += 1
    assert set(entered) <= set(queue_rows), "every queue call has its CDR row"
    # the raw file quotes text and leaves numbers bare, like cdr_csv
    raw = sorted((run[0] / "asterisk" / "cdr").glob("Master-*.csv"))[0].read_text(encoding="utf-8")
    first = raw.splitlines()[0]
    assert first.startswith('"",') and re.search(r',\d+,\d+,"[A-Z ]+","DOCUMENTATION",', first)


def test_calls_lost_before_the_queue_are_in_the_cdr_only(run, lines) -> None:
    in_queue = {f[1] for f in lines if f[4] == "ENTERQUEUE"}
    lost = [r for _, r in cdr_rows(run[0]) if r[19] not in in_queue]
    assert lost, "some calls never reach a queue"
    for r in lost:
        assert r[14] in {"BUSY", "CONGESTION", "FAILED", "NO ANSWER"} and not r[10], r
        assert r[2] in QUEUE_EXTENSIONS.values(), "the dialled queue stays known"


# ------------------------------------------------------------------ clock change


def test_autumn_clock_change_local_days_and_local_times(tmp_path: Path) -> None:
    simulate(tmp_path, days=3, agents=12, seed=9, start=date(2026, 10, 24), progress=False)
    clock = LocalClock(TZ)
    log = queue_log(tmp_path)
    names = {p.name for p, _ in log}
    assert {"queue_log-20261024", "queue_log-20261026"} <= names  # Sunday 25th: closed
    for path, f in log:
        assert (
            clock.local_date(int(f[0])) == datetime.strptime(path.name, "queue_log-%Y%m%d").date()
        )
    first_login = min(
        int(f[0]) for p, f in log if p.name == "queue_log-20261026" and f[4] == "ADDMEMBER"
    )
    assert clock.local_str(first_login)[11:13] == "07"  # just before the 08:00 opening...
    assert datetime.fromtimestamp(first_login, UTC).hour == 6  # ...which is 07:00 UTC in CET
    assert_cdr_starts_at_the_callid_epoch(tmp_path, clock)


def assert_cdr_starts_at_the_callid_epoch(root: Path, clock: LocalClock) -> None:
    """A call's first CDR row starts when its channel was created: the uniqueid's epoch."""
    first: dict[str, list[str]] = {}
    for _, r in cdr_rows(root):
        if r[16] not in first or int(r[20]) < int(first[r[16]][20]):
            first[r[16]] = r
    assert first
    for uid, r in first.items():
        assert r[9] == clock.local_str(int(uid.split(".")[0])), r


def test_repeated_autumn_hour_is_simulated_twice(tmp_path: Path) -> None:
    """A night service on Sunday 25 October: local 02:00-03:00 happens twice."""
    profile = CenterProfile(
        opening=OpeningHours({7: (0, 5 * 60)}),
        weekday_factor={7: 1.0},
        saturday_staff_share=1.0,
        absence_probability=0.0,
    )
    run_simulation(
        SimulationConfig(
            out_dir=tmp_path,
            days=1,
            agents=6,
            seed=2,
            start=date(2026, 10, 25),
            progress=False,
            profile=profile,
        )
    )
    clock = LocalClock(TZ)
    midnight, next_midnight = clock.midnight(date(2026, 10, 25)), clock.midnight(date(2026, 10, 26))
    assert next_midnight - midnight == 25 * 3600
    log = queue_log(tmp_path)
    for path, f in log:  # the night shift logs in a few minutes before midnight: on the 24th
        assert (
            clock.local_date(int(f[0])) == datetime.strptime(path.name, "queue_log-%Y%m%d").date()
        )
    enters = [int(f[0]) for _, f in log if f[4] == "ENTERQUEUE"]
    assert all(midnight <= t < next_midnight for t in enters)
    two_oclock = [t for t in enters if clock.local_str(t)[11:13] == "02"]
    cest = [t for t in two_oclock if clock.offset(t) == 7200]
    cet = [t for t in two_oclock if clock.offset(t) == 3600]
    assert cest and cet, "both occurrences of 02:xx carry calls"
    rows = [r for _, r in cdr_rows(tmp_path)]
    assert {p.name for p in (tmp_path / "asterisk" / "cdr").iterdir()} == {"Master-20261025.csv"}
    assert any(r[9][11:13] == "02" for r in rows)
    assert_cdr_starts_at_the_callid_epoch(tmp_path, clock)


def test_companions_see_every_day_and_every_voice_call(tmp_path, monkeypatch):
    """The companion hook: on_day once per day with the day's CDR rows parsed, finish once."""
    from orchestration.simulator import companions as comp
    from orchestration.simulator import simulation

    seen: dict = {"days": [], "calls": [], "finished": 0}

    class Recorder:
        def __init__(self, ctx):
            assert ctx.days == 3 and len(ctx.roster) == 6 and ctx.known_customers

        def on_day(self, day, plans, output):
            seen["days"].append(day)
            assert plans and all(p.sessions is not None for p in plans)
            seen["calls"].extend(comp.voice_calls(output))

        def finish(self):
            seen["finished"] += 1
            out = tmp_path / "out" / "recorder.txt"
            out.write_text("x")
            return [out]

    monkeypatch.setattr(simulation, "companion_factories", lambda: [("recorder", Recorder)])
    summary = simulation.simulate(tmp_path / "out", days=3, agents=6, progress=False)
    assert len(seen["days"]) == 3 and seen["finished"] == 1
    assert tmp_path / "out" / "recorder.txt" in summary.files
    assert len(seen["calls"]) == summary.cdr_rows
    visits = [c for c in seen["calls"] if c.lastapp == "Queue"]
    answered = [c for c in visits if c.disposition == "ANSWERED"]
    assert len(answered) == summary.answered
    assert all(c.answer is not None and c.start <= c.answer <= c.end for c in answered)
    assert all(c.agent_extension and c.agent_extension.isdigit() for c in answered)
    assert {c.queue for c in visits} <= {"sales", "support", "billing"}


def test_customer_directory_is_a_pure_function_of_seed_and_number():
    from datetime import date

    from orchestration.simulator.companions.customers import CustomerDirectory

    a = CustomerDirectory(42, ["612345678", "699000111"], date(2026, 10, 5))
    b = CustomerDirectory(42, ["612345678"], date(2026, 10, 5))
    assert a.by_number("612345678") == b.by_number("612345678") == a.customers[0]
    assert a.by_number("anonymous") is None and a.by_number("") is None
    one_offs = [a.by_number(f"6{n:08d}") for n in range(2000)]
    share = sum(c is not None for c in one_offs) / len(one_offs)
    assert 0.55 < share < 0.65
    assert len({c.crm_id for c in one_offs if c}) == sum(c is not None for c in one_offs)
    assert all("@" in c.email and c.created_on < date(2026, 10, 5) for c in a.customers)
