"""The CRM and survey extracts (orchestration/ingest/extract_specs/crm.py, surveys.py): a good
file of each loads typed rows, bad rows are quarantined with line, field and problem, the
opportunities report loads from Excel, contracts reject impossible files, and the simulator's
files load whole."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration.ingest import load_source, schema
from orchestration.ingest.extracts import EXTRACTS
from tests.conftest import write_landing_file as write

CRM_SOURCES = ("crm_customers", "crm_leads", "crm_opportunities", "crm_cases", "crm_case_calls")
SURVEY_SOURCES = ("survey_invitations", "survey_responses", "survey_follow_ups")

CASES_HEADER = (
    "case_id,crm_customer_id,opened_at,channel,category,priority,status,resolved_at,"
    "reopened_at,reopen_count,origin_call_id,owner_agent_id,modified_at\n"
)
LEADS_HEADER = (
    "lead_id,submitted_at,created_in_crm_at,first_call_at,first_call_agent_id,call_attempts,"
    "campaign,source,status,phone,email,crm_customer_id\n"
)
RESPONSES_HEADER = "response_id,invitation_id,responded_at,csat,nps,ces,comment\n"


def _load(con, landing: Path, source: str):
    schema.create_all(con)
    return load_source(con, landing, source)


def _reasons(con) -> dict[int, str]:
    return dict(
        con.execute("SELECT line_number, reason FROM raw_ingest.quarantine ORDER BY 1").fetchall()
    )


def test_every_crm_and_survey_extract_is_declared_with_a_key():
    for source in CRM_SOURCES + SURVEY_SOURCES:
        spec = EXTRACTS[source]
        assert spec.key, source
        assert spec.schema in ("raw_crm", "raw_surveys")
        # leads arrive every day (web forms); the other files follow the center's week
        assert bool(spec.volume_not_comparable) == (source != "crm_leads"), source


def test_cases_csv_loads_utc_timestamps_and_quarantines_bad_rows(con, landing):
    write(
        landing,
        "crm/cases/cases-20261020.csv",
        CASES_HEADER + "CAS-1,CUS-A,2026-10-20T08:00:00Z,phone,billing,normal,resolved,"
        "2026-10-20T08:10:00Z,,0,1792390583.1,Agent/1001,2026-10-20T08:10:00Z\n"
        + "CAS-2,CUS-B,2026-10-20T09:00:00+02:00,phone,technical,high,pending,,,0,1.2,"
        "Agent/1002,2026-10-20T07:05:00Z\n"
        + "CAS-3,CUS-C,yesterday,phone,technical,normal,open,,,0,1.3,Agent/1003,"
        "2026-10-20T07:05:00Z\n"
        + "CAS-4,CUS-D,2026-10-20T09:00:00Z,phone,technical,normal,open,,,two,1.4,Agent/1,"
        "2026-10-20T09:05:00Z\n"
        + ",CUS-E,2026-10-20T09:00:00Z,phone,technical,normal,open,,,0,1.5,Agent/1,"
        "2026-10-20T09:05:00Z\n",
    )
    (r,) = _load(con, landing, "crm_cases")
    assert (r.status, r.rows_in, r.rows_loaded, r.rows_quarantined) == ("loaded", 5, 2, 3)
    rows = con.execute(
        "SELECT case_id, opened_at, resolved_at, status FROM raw_crm.cases ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("CAS-1", datetime(2026, 10, 20, 8), datetime(2026, 10, 20, 8, 10), "resolved"),
        ("CAS-2", datetime(2026, 10, 20, 7), None, "pending"),  # +02:00 converted to UTC
    ]
    reasons = _reasons(con)
    assert "field 'opened_at' is not a timestamp" in reasons[4] and "'yesterday'" in reasons[4]
    assert "field 'reopen_count' is not an integer: 'two'" in reasons[5]
    assert "field 'case_id' is empty: it is required" in reasons[6]


def test_contract_rejects_a_case_resolved_before_it_was_opened(con, landing):
    write(
        landing,
        "crm/cases/cases-20261021.csv",
        CASES_HEADER + "CAS-9,CUS-A,2026-10-21T10:00:00Z,phone,billing,normal,resolved,"
        "2026-10-21T09:00:00Z,,0,1.1,Agent/1001,2026-10-21T10:00:00Z\n",
    )
    (r,) = _load(con, landing, "crm_cases")
    assert r.status == "rejected"
    assert "resolved_at" in r.message and "opened_at" in r.message


def test_contract_rejects_an_unknown_lead_status_and_scores_out_of_scale(con, landing):
    write(
        landing,
        "crm/leads/leads-20261020.csv",
        LEADS_HEADER + "L-1,2026-10-20T10:00:00Z,2026-10-20T10:01:00Z,,,0,C,web_form,"
        "hot,600000000,a@example.net,\n",
    )
    write(
        landing,
        "surveys/responses/responses-20261020.csv",
        RESPONSES_HEADER + "R-1,I-1,2026-10-20T10:00:00+02:00,6,11,0,\n",
    )
    (leads,) = _load(con, landing, "crm_leads")
    (responses,) = load_source(con, landing, "survey_responses")
    assert leads.status == "rejected" and "status" in leads.message
    assert responses.status == "rejected"
    for column in ("csat", "nps", "ces"):
        assert column in responses.message


def test_survey_responses_keep_local_offsets_and_blank_answers(con, landing):
    write(
        landing,
        "surveys/responses/responses-20261025.csv",
        RESPONSES_HEADER
        + "R-1,I-1,2026-10-25T02:30:00+02:00,5,10,7,Muy amable\n"  # before the clock change
        + "R-2,I-2,2026-10-25T02:30:00+01:00,4,,,\n"  # the repeated hour, after it
        + "R-3,I-3,2026-10-25T11:00:00+01:00,4.5,9,6,\n",  # a decimal CSAT: quarantined
    )
    (r,) = _load(con, landing, "survey_responses")
    assert (r.rows_loaded, r.rows_quarantined) == (2, 1)
    rows = con.execute(
        "SELECT response_id, responded_at, csat, nps, ces FROM raw_surveys.responses ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("R-1", datetime(2026, 10, 25, 0, 30), 5, 10, 7),
        ("R-2", datetime(2026, 10, 25, 1, 30), 4, None, None),
    ]
    assert "field 'csat' is not an integer: '4.5'" in _reasons(con)[4]


def test_opportunities_load_from_excel(con, landing):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["opportunity_id", "lead_id", "crm_customer_id", "call_id", "created_at", "stage",
         "closed_at", "amount", "currency", "product", "owner_agent_id", "campaign"]
    )  # fmt: skip
    sheet.append(
        ["OPP-1", "L-1", "CUS-A", None, "2026-10-20T10:00:00Z", "won", "2026-10-22T11:00:00Z",
         420.5, "EUR", "fibra_600", "Agent/1001", "WEB-FIBRA-Q4"]
    )  # fmt: skip
    sheet.append(
        ["OPP-2", None, "CUS-B", "1792390583.1", "2026-10-20T12:00:00Z", "open", None, None,
         "EUR", "pack_hogar", "Agent/1002", "INBOUND-SALES"]
    )  # fmt: skip
    sheet.append(
        ["OPP-3", None, "CUS-C", None, "2026-10-20T12:00:00Z", "won", "2026-10-21T12:00:00Z",
         "cuatrocientos", "EUR", "pack_hogar", "Agent/1002", "INBOUND-SALES"]
    )  # fmt: skip
    path = landing / "crm/opportunities/opportunities-20261020.xlsx"
    path.parent.mkdir(parents=True)
    book.save(path)
    (r,) = _load(con, landing, "crm_opportunities")
    assert (r.status, r.rows_loaded, r.rows_quarantined) == ("loaded", 2, 1), r.message
    rows = con.execute(
        "SELECT opportunity_id, stage, closed_at, amount, call_id "
        "FROM raw_crm.opportunities ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("OPP-1", "won", datetime(2026, 10, 22, 11), 420.5, None),
        ("OPP-2", "open", None, None, "1792390583.1"),
    ]
    assert "field 'amount' is not a number" in _reasons(con)[4]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from orchestration.simulator.simulation import simulate

    out = tmp_path_factory.mktemp("crm_sim") / "landing"
    simulate(out, days=9, agents=12, start=date(2026, 10, 21), progress=False)
    return out


def test_simulated_crm_and_survey_files_load_whole(con, simulated):
    schema.create_all(con)
    for source in CRM_SOURCES + SURVEY_SOURCES:
        results = load_source(con, simulated, source)
        assert results, f"no {source} files"
        for r in results:
            assert r.status == "loaded" and r.rows_quarantined == 0, (source, r.message)
    # one accounts snapshot, then daily files; opportunities as Excel workbooks
    names = sorted(p.name for p in (simulated / "crm/customers").iterdir())
    assert names[0] == "accounts-20261021.csv" and "accounts-full-20261021.csv" in names
    assert all(p.suffix == ".xlsx" for p in (simulated / "crm/opportunities").iterdir())


def test_simulated_cases_agree_with_who_calls_back(con, simulated):
    """A reopened case was reopened by a call of the same customer logged on it, within a
    week of its resolution; every call logged on a case is a real answered queue call."""
    schema.create_all(con)
    for source in ("crm_cases", "crm_case_calls", "asterisk_cdr"):
        load_source(con, simulated, source)
    latest = """
        SELECT * FROM raw_crm.cases
        QUALIFY row_number() OVER (PARTITION BY case_id ORDER BY modified_at DESC) = 1
    """
    reopened = con.execute(f"SELECT count(*) FROM ({latest}) WHERE reopen_count > 0").fetchone()[0]
    assert reopened > 0
    calls_per_reopened = con.execute(
        f"""
        SELECT min(n) FROM (
            SELECT c.case_id, count(k.activity_id) AS n
            FROM ({latest}) c JOIN raw_crm.case_calls k USING (case_id)
            WHERE c.reopen_count > 0 GROUP BY c.case_id
        )"""
    ).fetchone()[0]
    assert calls_per_reopened >= 2
    unknown = con.execute(
        """
        SELECT count(*) FROM raw_crm.case_calls k
        WHERE NOT EXISTS (
            SELECT 1 FROM raw_asterisk.cdr d
            WHERE d.uniqueid = k.call_id AND d.disposition = 'ANSWERED' AND d.lastapp = 'Queue'
        )"""
    ).fetchone()[0]
    assert unknown == 0


def test_simulated_crm_and_surveys_are_deterministic(tmp_path: Path, simulated: Path):
    from orchestration.simulator.simulation import simulate

    again = tmp_path / "landing"
    simulate(again, days=9, agents=12, start=date(2026, 10, 21), progress=False)
    for folder in ("crm/cases", "crm/leads", "surveys/responses", "surveys/follow_ups"):
        for path in sorted((simulated / folder).iterdir()):
            assert (again / folder / path.name).read_bytes() == path.read_bytes(), path
