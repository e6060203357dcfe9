"""The simulator's companions for digital channels, self-service, outbound, quality, HR and
finance (orchestration/simulator/companions): files in their declared formats, consistent with
the voice calls, the agents' plans and the roster, deterministic for a seed."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration.ingest.extracts import EXTRACTS
from orchestration.simulator import simulate

START = date(2026, 10, 19)  # a Monday; the run crosses a weekend
DAYS = 9


def rows(root: Path, folder: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in sorted((root / folder).glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            out += list(csv.DictReader(fh))
    return out


def cdr_rows(root: Path) -> list[list[str]]:
    out: list[list[str]] = []
    for path in sorted((root / "asterisk" / "cdr").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            out += list(csv.reader(fh))
    return out


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("channels_sim")
    simulate(out, days=DAYS, agents=16, seed=11, start=START, progress=False)
    return out


def test_every_companion_writes_its_declared_extract(root: Path) -> None:
    for source in (
        "digital_contacts",
        "ivr_sessions",
        "outbound_attempts",
        "quality_evaluations",
        "quality_coaching",
        "hr_roster_history",
        "finance_costs",
    ):
        spec = EXTRACTS[source]
        files = sorted((root / spec.folder).glob("*.csv"))
        assert files, f"{source}: no file in {spec.folder}"
        for path in files:
            with open(path, encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh))
            assert header == spec.column_names, f"{path}: header differs from the spec"
            assert path.stat().st_size > len(",".join(header)) + 1, f"{path}: no rows"


def test_ivr_transfers_are_the_pbx_calls_and_contained_calls_never_reach_it(root: Path) -> None:
    cdr = cdr_rows(root)
    queue_calls = {f[16] for f in cdr if f[7] == "Queue"}
    all_ids = {f[16] for f in cdr}
    sessions = rows(root, "ivr/sessions")
    transferred = [s for s in sessions if s["outcome"] == "transferred"]
    contained = [s for s in sessions if s["outcome"] == "contained"]
    assert {s["pbx_uniqueid"] for s in transferred} == queue_calls
    assert len(transferred) == len(queue_calls)  # one session per call
    assert contained and all(s["pbx_uniqueid"] == "" for s in contained)
    assert not {s["session_id"] for s in contained} & all_ids
    assert 0.15 < len(contained) / len(sessions) < 0.5
    for s in sessions:
        assert ts(s["started_at"]) <= ts(s["ended_at"])
        nodes = s["node_path"].split(">")
        assert nodes[0] == "welcome" and nodes[-1] == s["exit_node"]
        assert int(s["nodes_visited"]) == len(nodes)
        if s["outcome"] == "transferred":
            assert s["exit_node"] == f"transfer_{s['transfer_queue']}"


def test_digital_agents_are_blended_agents_on_shift(root: Path) -> None:
    tickets = rows(root, "digital/contacts")
    assert {t["channel"] for t in tickets} == {"chat", "email", "sms", "social"}
    assert len({t["ticket_id"] for t in tickets}) == len(tickets)
    roster = {r["agent_id"] for r in rows(root, "roster")}
    agents = {t["assignee_id"] for t in tickets if t["assignee_id"]}
    assert agents <= roster
    assert 0.2 * len(roster) <= len(agents) <= 0.5 * len(roster)  # the blended share
    by_channel = Counter(t["channel"] for t in tickets)
    assert by_channel["chat"] > by_channel["email"] > by_channel["sms"]
    for t in tickets:
        created = ts(t["created_at"])
        if t["first_response_at"]:
            assert t["assignee_id"] and ts(t["first_response_at"]) >= created
        if t["solved_at"]:
            assert ts(t["solved_at"]) >= created
        if t["status"] == "solved":
            assert t["first_response_at"] and t["handle_seconds"]
        if t["status"] == "missed":
            assert t["channel"] == "chat" and not t["assignee_id"]
        if t["channel"] == "chat" and t["status"] == "solved":
            assert 1 <= int(t["concurrency"]) <= 3
    # the same customers as the voice calls: most requesters have a CRM id
    assert sum(1 for t in tickets if t["external_id"]) > 0.7 * len(tickets)


def test_outbound_attempts_nest_connects_rpcs_and_sales(root: Path) -> None:
    attempts = rows(root, "outbound/attempts")
    assert len({a["attempt_id"] for a in attempts}) == len(attempts)
    roster = {r["agent_id"] for r in rows(root, "roster")}
    results = Counter(a["result"] for a in attempts)
    assert 0.2 < results["connected"] / len(attempts) < 0.45
    for a in attempts:
        if a["result"] == "connected":
            assert a["agent_id"] in roster and a["disposition"]
            assert ts(a["attempt_at"]) <= ts(a["answered_at"]) <= ts(a["ended_at"])
        else:
            assert not a["agent_id"] and not a["disposition"] and a["is_right_party"] == ""
        if a["disposition"] == "sale":
            assert a["is_right_party"] == "true" and float(a["sale_amount"]) > 0
        if a["disposition"] == "wrong_party":
            assert a["is_right_party"] == "false"
    retries = Counter(a["lead_id"] for a in attempts)
    assert max(retries.values()) <= 4 and any(n > 1 for n in retries.values())


def test_qa_evaluates_answered_calls_by_their_agent_and_coaching_follows(root: Path) -> None:
    cdr = cdr_rows(root)
    answered_by = {
        (f[16], "Agent/" + f[6].split("/", 1)[1].rsplit("-", 1)[0])
        for f in cdr
        if f[7] == "Queue" and f[14] == "ANSWERED"
    }
    evaluations = rows(root, "quality/evaluations")
    assert evaluations
    for e in evaluations:
        assert (e["contact_id"], e["agent_id"]) in answered_by
        weights = (0.10, 0.20, 0.35, 0.20, 0.15)
        sections = ("greeting", "verification", "resolution", "compliance", "soft_skills")
        total = sum(w * int(e[f"{s}_score"]) for w, s in zip(weights, sections, strict=True))
        assert float(e["score"]) == pytest.approx(total, abs=0.051)
    failed = {
        e["evaluation_id"]: ts(e["evaluated_at"])
        for e in evaluations
        if e["auto_fail"] == "true" or float(e["score"]) < float(e["pass_threshold"])
    }
    sessions = rows(root, "quality/coaching")
    after_fail = [s for s in sessions if s["trigger"] == "qa_fail"]
    assert after_fail
    for s in after_fail:
        assert ts(s["started_at"]) > failed[s["evaluation_id"]]


def test_hr_history_extends_the_roster_snapshot(root: Path) -> None:
    roster = {r["agent_id"]: r for r in rows(root, "roster")}
    history = rows(root, "hr/roster_history")
    current = [h for h in history if not h["leave_date"]]
    leavers = [h for h in history if h["leave_date"]]
    assert {h["agent_id"] for h in current} == set(roster)
    for h in current:
        r = roster[h["agent_id"]]
        same = ("team", "hire_date", "site_id")
        assert [h[k] for k in same] == [r[k] for k in same]
    assert leavers and not {h["agent_id"] for h in leavers} & set(roster)
    for h in leavers:
        assert h["hire_date"] < h["leave_date"]
        assert h["leave_reason"] in ("voluntary", "involuntary")


def test_finance_costs_cover_each_simulated_month(root: Path) -> None:
    costs = rows(root, "finance/costs")
    assert {c["month"] for c in costs} == {"2026-10-01"}
    assert {c["cost_type"] for c in costs} == {"people", "platform", "telephony", "facilities"}
    people = next(c for c in costs if c["cost_type"] == "people")
    assert float(people["amount"]) > 0 and float(people["fte"]) > 0
    assert people["note"] == f"{DAYS} of 31 days"


def test_companions_are_deterministic(tmp_path: Path) -> None:
    kwargs = dict(days=3, agents=10, start=START, progress=False)
    simulate(tmp_path / "a", seed=5, **kwargs)
    simulate(tmp_path / "b", seed=5, **kwargs)
    for folder in ("digital", "ivr", "outbound", "quality", "hr", "finance"):
        a = sorted((tmp_path / "a" / folder).rglob("*.csv"))
        b = sorted((tmp_path / "b" / folder).rglob("*.csv"))
        assert a and [p.relative_to(tmp_path / "a") for p in a] == [
            p.relative_to(tmp_path / "b") for p in b
        ]
        assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
