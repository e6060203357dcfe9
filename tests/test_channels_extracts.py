"""Loader tests for the extracts of digital channels, self-service, outbound, quality and HR
(orchestration/ingest/extract_specs/): a good file loads typed rows, bad rows are quarantined
with the line, field and value, columns the spec does not know are kept in extra_fields, and
the contract rejects a file that breaks its ranges or key."""

from __future__ import annotations

from datetime import datetime

import pytest

from orchestration.ingest import load_source, schema
from orchestration.ingest.extracts import EXTRACTS
from tests.conftest import write_landing_file as write

# one good row per source: (source, {column: value}, (typed column to break, bad value, problem))
GOOD = {
    "digital_contacts": (
        {
            "ticket_id": "ZD-1", "channel": "chat", "via": "web_widget", "status": "solved",
            "requester_email": "ana@example.com", "requester_phone": "", "requester_handle": "",
            "external_id": "CUS-1", "group_name": "support", "assignee_id": "Agent/1001",
            "created_at": "2026-10-19T09:00:00Z", "assigned_at": "2026-10-19T09:00:40Z",
            "first_response_at": "2026-10-19T09:00:50Z", "solved_at": "2026-10-19T09:10:00Z",
            "handle_seconds": "300", "concurrency": "2", "messages": "12",
        },
        ("created_at", "19/10/2026 09:00", "is not a timestamp"),
    ),
    "ivr_sessions": (
        {
            "session_id": "IVR-1", "pbx_uniqueid": "1792393112.4006", "caller_number": "600111222",
            "dnis": "900100200", "started_at": "2026-10-19T09:00:00Z",
            "ended_at": "2026-10-19T09:01:10Z", "node_path": "welcome>main_menu>transfer_support",
            "nodes_visited": "3", "exit_node": "transfer_support", "outcome": "transferred",
            "end_reason": "transferred", "transfer_queue": "support", "intent": "agent_request",
        },
        ("nodes_visited", "three", "is not an integer"),
    ),
    "outbound_attempts": (
        {
            "attempt_id": "ATT-1", "campaign_id": "CMP-A", "list_id": "LST-1", "lead_id": "LD-1",
            "phone_number": "600111222", "attempt_number": "1",
            "attempt_at": "2026-10-19T10:00:00Z",
            "result": "connected", "agent_id": "Agent/1001", "answered_at": "2026-10-19T10:00:12Z",
            "ended_at": "2026-10-19T10:05:00Z", "talk_seconds": "288", "wrapup_seconds": "30",
            "is_right_party": "true", "disposition": "sale", "sale_amount": "180.50",
        },
        ("is_right_party", "maybe", "is not true/false"),
    ),
    "quality_evaluations": (
        {
            "evaluation_id": "EV-1", "contact_id": "1792393112.4006", "channel": "voice",
            "agent_id": "Agent/1001", "evaluator_id": "QA-1",
            "evaluated_at": "2026-10-21T10:00:00Z",
            "form_name": "voice_v3", "greeting_score": "90", "verification_score": "80",
            "resolution_score": "85", "compliance_score": "100", "soft_skills_score": "70",
            "score": "85.5", "pass_threshold": "80", "auto_fail": "false",
        },
        ("score", "85.5.1", "is not a number"),
    ),
    "quality_coaching": (
        {
            "session_id": "CO-1", "agent_id": "Agent/1001", "coach_id": "Agent/1015",
            "started_at": "2026-10-22T09:00:00Z", "duration_minutes": "30", "topic": "empathy",
            "trigger": "qa_fail", "evaluation_id": "EV-1",
        },
        ("duration_minutes", "half an hour", "is not a number"),
    ),
    "hr_roster_history": (
        {
            "employee_id": "EMP-1", "agent_id": "Agent/1001", "full_name": "Ana Ruiz",
            "team": "Ventas", "site_id": "MAD", "role": "agent", "contract": "full",
            "hire_date": "2024-01-08", "leave_date": "2026-09-30", "leave_reason": "voluntary",
        },
        ("hire_date", "08/01/2024", "is not a date"),
    ),
}  # fmt: skip


def csv_text(columns: list[str], rows: list[dict[str, str]], extra: str | None = None) -> str:
    header = columns + ([extra] if extra else [])
    lines = [",".join(header)]
    for r in rows:
        lines.append(",".join([r[c] for c in columns] + (["x"] if extra else [])))
    return "\n".join(lines) + "\n"


def second(row: dict[str, str], source: str) -> dict[str, str]:
    """Another good row (a different key) of the same source."""
    spec = EXTRACTS[source]
    out = dict(row)
    for k in spec.key:
        out[k] = row[k] + "b"
    return out


def load(con, landing, source):
    schema.create_all(con)
    (result,) = load_source(con, landing, source)
    return result


def test_every_new_source_is_declared() -> None:
    assert set(GOOD) <= set(EXTRACTS)


@pytest.mark.parametrize("source", sorted(GOOD))
def test_good_file_loads_typed_rows(con, landing, source) -> None:
    spec = EXTRACTS[source]
    good, _ = GOOD[source]
    text = csv_text(spec.column_names, [good, second(good, source)])
    write(landing, f"{spec.folder}/f1.csv", text)
    r = load(con, landing, source)
    counts = (r.status, r.rows_in, r.rows_loaded, r.rows_quarantined)
    assert counts == ("loaded", 2, 2, 0), r.message
    table = f"{spec.schema}.{spec.table}"
    assert con.execute(f"select count(*) from {table}").fetchone() == (2,)
    for col in spec.columns:
        value = con.execute(f"select {col.name} from {table} order by _row_number").fetchone()[0]
        if good[col.name] == "":
            assert value is None
        elif col.type == "timestamp":
            assert value == datetime.fromisoformat(good[col.name].replace("Z", ""))
        elif col.type == "int":
            assert value == int(good[col.name])
        elif col.type == "decimal":
            assert value == float(good[col.name])
        elif col.type == "bool":
            assert value is (good[col.name] == "true")
        elif col.type == "date":
            assert value.isoformat() == good[col.name]
        else:
            assert value == good[col.name]


@pytest.mark.parametrize("source", sorted(GOOD))
def test_bad_rows_are_quarantined_with_line_field_and_value(con, landing, source) -> None:
    spec = EXTRACTS[source]
    good, (field, bad_value, problem) = GOOD[source]
    bad = second(good, source)
    bad[field] = bad_value
    missing = second(second(good, source), source)
    required = next(c.name for c in spec.columns if c.required and c.name not in spec.key)
    missing[required] = ""
    write(landing, f"{spec.folder}/f1.csv", csv_text(spec.column_names, [good, bad, missing]))
    r = load(con, landing, source)
    assert (r.rows_in, r.rows_loaded, r.rows_quarantined) == (3, 1, 2), r.message
    reasons = dict(
        con.execute("select line_number, reason from raw_ingest.quarantine order by 1").fetchall()
    )
    assert f"field '{field}' {problem}" in reasons[3] and repr(bad_value) in reasons[3]
    assert f"field '{required}' is empty: it is required" in reasons[4]


@pytest.mark.parametrize("source", sorted(GOOD))
def test_schema_drift_is_kept_in_extra_fields(con, landing, source) -> None:
    spec = EXTRACTS[source]
    good, _ = GOOD[source]
    optional = [c.name for c in spec.columns if not c.required]
    kept = [c for c in spec.column_names if c != optional[-1]]
    write(landing, f"{spec.folder}/f1.csv", csv_text(kept, [good], extra="Vendor Field"))
    r = load(con, landing, source)
    assert r.rows_loaded == 1, r.message
    assert f"optional column(s) absent, loaded as NULL: {optional[-1]}" in r.message
    assert "kept in extra_fields: Vendor Field" in r.message
    table = f"{spec.schema}.{spec.table}"
    row = con.execute(f"select {optional[-1]}, extra_fields from {table}").fetchone()
    assert row == (None, '{"Vendor Field":"x"}')


@pytest.mark.parametrize("source", sorted(GOOD))
def test_contract_rejects_a_duplicate_key(con, landing, source) -> None:
    spec = EXTRACTS[source]
    good, _ = GOOD[source]
    write(landing, f"{spec.folder}/f1.csv", csv_text(spec.column_names, [good, good]))
    r = load(con, landing, source)
    assert r.status == "rejected" and "unique" in r.message.lower(), r.message
    table = f"{spec.schema}.{spec.table}"
    assert con.execute(f"select count(*) from {table}").fetchone() == (0,)


def test_contract_rejects_unknown_values_and_times_out_of_order(con, landing) -> None:
    spec = EXTRACTS["digital_contacts"]
    good, _ = GOOD["digital_contacts"]
    odd = second(good, "digital_contacts")
    odd["channel"] = "fax"
    write(landing, f"{spec.folder}/f1.csv", csv_text(spec.column_names, [good, odd]))
    r = load(con, landing, "digital_contacts")
    assert r.status == "rejected" and "channel" in r.message, r.message

    spec = EXTRACTS["ivr_sessions"]
    good, _ = GOOD["ivr_sessions"]
    late = dict(good, ended_at="2026-10-19T08:00:00Z")
    write(landing, f"{spec.folder}/f2.csv", csv_text(spec.column_names, [late]))
    r = load(con, landing, "ivr_sessions")
    assert r.status == "rejected" and "ended_at" in r.message, r.message
