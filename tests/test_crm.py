"""End to end: customers, cases, surveys and sales in the marts of the `pipeline_run` fixture.

The KPI checks recompute the numbers in plain Python, independently of the dbt models: FCR
and repeat contacts from the voice fact (fct_contacts) and the raw CRM tables (the customer
of a caller by the keyed hash of the phone in the accounts export, the CRM's verdict from the
calls logged on cases); NPS, CSAT and CES from the survey files; speed to lead in business
minutes from the seeds' opening hours and holidays with Python's zoneinfo.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import PROJECT_DIR, PipelineRun

pytestmark = pytest.mark.e2e

DAY = 86400


def _rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _hash(value: str) -> str:
    key = os.environ.get("CCWH_HASH_KEY", "ccwh-development-key")
    return hashlib.md5(f"{key}|{value.strip()}".encode()).hexdigest()


def _neg(text: str) -> tuple:
    """A sort key that orders strings descending (so that the smallest comes last)."""
    return tuple(-ord(ch) for ch in text)


def _sum(con, model: str, *columns: str) -> tuple:
    cols = ", ".join(f"coalesce(sum({c}), 0)" for c in columns)
    return con.execute(f"SELECT {cols} FROM marts.{model}").fetchone()


def test_crm_and_survey_marts_are_filled(pipeline_run: PipelineRun) -> None:
    with pipeline_run.connect() as con:
        for model in (
            "dim_customers", "fct_customer_contacts", "fct_cases", "fct_survey_responses",
            "fct_leads", "fct_sales", "kpi_customer_outcomes_daily",
            "kpi_customer_outcomes_agent_daily", "kpi_customer_outcomes_weekly",
            "kpi_customer_outcomes_monthly", "kpi_cases_daily", "kpi_sales_daily",
            "kpi_sales_monthly", "kpi_sales_agent_daily",
        ):  # fmt: skip
            (n,) = con.execute(f"SELECT count(*) FROM marts.{model}").fetchone()
            assert n > 0, model
        # every raw CRM and survey row is in a loaded file, none quarantined
        (bad,) = con.execute(
            "SELECT count(*) FROM raw_ingest.file_ledger WHERE (source LIKE 'crm_%' OR "
            "source LIKE 'survey_%') AND (status <> 'loaded' OR rows_quarantined > 0)"
        ).fetchone()
        assert bad == 0


def test_fcr_and_repeat_contacts_equal_an_independent_count(pipeline_run: PipelineRun) -> None:
    with pipeline_run.connect() as con:
        visits = _rows(
            con,
            "SELECT contact_id, call_id, customer_id, customer_phone_hash, customer_email_hash, "
            "channel, arrived_at, queue_entered_at, answered_at, ended_at FROM marts.fct_contacts",
        )
        accounts = _rows(
            con,
            "SELECT crm_customer_id, phone, email, modified_at, _loaded_at FROM raw_crm.customers",
        )
        resolved_calls = {
            r["call_id"]
            for r in _rows(con, "SELECT call_id FROM raw_crm.case_calls WHERE outcome = 'resolved'")
        }
        mart = _sum(
            con, "kpi_customer_outcomes_daily",
            "fcr_rate_numerator", "fcr_rate_denominator", "fcr_1d_rate_numerator",
            "fcr_1d_rate_denominator", "repeat_contact_rate_numerator",
            "repeat_contact_rate_denominator", "contacts", "contacts_identified",
        )  # fmt: skip

    latest: dict[str, tuple] = {}
    for a in accounts:  # the latest version of each account
        k = (a["modified_at"], a["_loaded_at"])
        if a["crm_customer_id"] not in latest or k > latest[a["crm_customer_id"]][0]:
            latest[a["crm_customer_id"]] = (k, a["phone"], a["email"])
    # an identifier shared by several accounts names the one modified most recently, then
    # the smallest customer key (DECISIONS.md D93)
    customer_by_phone: dict[str, str] = {}
    customer_by_email: dict[str, str] = {}
    for c, (_, p, e) in sorted(
        latest.items(), key=lambda item: (item[1][0][0], _neg(_hash(item[0])))
    ):
        if p:
            customer_by_phone[_hash(p)] = c
        if e:
            customer_by_email[_hash(e.lower())] = c

    contacts: dict[str, dict] = {}
    for v in visits:
        key = v["call_id"] or v["contact_id"]
        start = v["arrived_at"] or v["queue_entered_at"] or v["answered_at"]
        end = v["ended_at"] or v["answered_at"] or v["queue_entered_at"] or v["arrived_at"]
        c = contacts.setdefault(key, {"start": start, "end": end, "phone": None, "email": None})
        c["start"], c["end"] = min(c["start"], start), max(c["end"], end)
        # identity: the voice caller's hash, else (other channels) the contact's phone hash,
        # then its e-mail hash
        phone = v["customer_phone_hash"] or (v["customer_id"] if v["channel"] == "voice" else None)
        if phone:
            c["phone"] = max(c["phone"] or "", phone)
        if v["customer_email_hash"]:
            c["email"] = max(c["email"] or "", v["customer_email_hash"])
    first = min(c["start"] for c in contacts.values())
    last = max(c["start"] for c in contacts.values())
    by_customer: dict[str, list] = defaultdict(list)
    for key, c in contacts.items():
        customer = customer_by_phone.get(c["phone"]) or customer_by_email.get(c["email"])
        if customer:
            by_customer[customer].append((c["start"], key, c["end"]))

    fcr = {7: [0, 0], 1: [0, 0]}
    repeat = [0, 0]
    for seq in by_customer.values():
        seq.sort()
        for i, (start, key, end) in enumerate(seq):
            nxt = seq[i + 1][0] if i + 1 < len(seq) else None
            prev_end = seq[i - 1][2] if i > 0 else None
            if key in resolved_calls:
                for n, counts in fcr.items():
                    if (last - end).total_seconds() >= n * DAY:
                        counts[1] += 1
                        counts[0] += nxt is None or (nxt - end).total_seconds() > n * DAY
            if (start - first).total_seconds() >= 7 * DAY:
                repeat[1] += 1
                repeat[0] += prev_end is not None and (start - prev_end).total_seconds() <= 7 * DAY
    identified = sum(len(s) for s in by_customer.values())
    expected = (*fcr[7], *fcr[1], *repeat, len(contacts), identified)
    assert tuple(int(x) for x in mart) == expected
    assert fcr[7][1] > 100 and 0.3 < fcr[7][0] / fcr[7][1] < 0.95


def test_survey_kpis_equal_the_survey_files(pipeline_run: PipelineRun) -> None:
    landing = pipeline_run.landing_dir / "surveys"
    sent = sum(1 for p in (landing / "invitations").iterdir() for _ in csv.DictReader(p.open()))
    responses = [r for p in (landing / "responses").iterdir() for r in csv.DictReader(p.open())]
    nps = [int(r["nps"]) for r in responses if r["nps"]]
    csat = [int(r["csat"]) for r in responses if r["csat"]]
    ces = [int(r["ces"]) for r in responses if r["ces"]]
    with pipeline_run.connect() as con:
        got = _sum(
            con, "kpi_customer_outcomes_daily",
            "surveys_sent", "survey_responses", "nps_promoters", "nps_passives",
            "nps_detractors", "csat_rate_numerator", "csat_rate_denominator",
            "csat_mean_score_numerator", "ces_mean_score_numerator", "ces_mean_score_denominator",
        )  # fmt: skip
        (nps_total,) = con.execute(
            "SELECT 1.0 * sum(nps_score_numerator) / sum(nps_score_denominator) "
            "FROM marts.kpi_customer_outcomes_monthly"
        ).fetchone()
    expected = (
        sent,
        len(responses),
        sum(s >= 9 for s in nps),
        sum(7 <= s <= 8 for s in nps),
        sum(s <= 6 for s in nps),
        sum(s >= 4 for s in csat),
        len(csat),
        sum(csat),
        sum(ces),
        len(ces),
    )
    assert tuple(int(x) for x in got) == expected
    assert got[1] <= got[0]  # responses <= sent
    promoters, detractors = expected[2], expected[4]
    assert float(nps_total) == pytest.approx(100 * (promoters - detractors) / len(nps))


def test_surveys_follow_what_happened_on_the_call(pipeline_run: PipelineRun) -> None:
    with pipeline_run.connect() as con:
        by_resolution = dict(
            con.execute(
                """
                SELECT c.is_resolved, avg(s.csat_score)
                FROM marts.fct_survey_responses s
                JOIN marts.fct_customer_contacts c ON s.call_id = c.customer_contact_id
                WHERE s.csat_score IS NOT NULL AND c.queue_id IN ('support', 'billing')
                GROUP BY 1
                """
            ).fetchall()
        )
    assert by_resolution[True] > by_resolution[False] + 0.5


def _business_seconds(start: datetime, end: datetime, site: str = "MAD") -> float:
    tz = ZoneInfo("Europe/Madrid")
    with open(PROJECT_DIR / "seeds" / "business_hours.csv", newline="") as fh:
        hours = {
            int(r["day_of_week"]): (r["open_time"], r["close_time"])
            for r in csv.DictReader(fh)
            if r["site_id"] == site
        }
    with open(PROJECT_DIR / "seeds" / "business_holidays.csv", newline="") as fh:
        holidays = {
            date.fromisoformat(r["holiday_date"])
            for r in csv.DictReader(fh)
            if r["site_id"] == site
        }
    total = 0.0
    day = start.replace(tzinfo=UTC).astimezone(tz).date() - timedelta(days=1)
    while day <= end.replace(tzinfo=UTC).astimezone(tz).date():
        if day.isoweekday() in hours and day not in holidays:
            o, c = hours[day.isoweekday()]
            wall = datetime(day.year, day.month, day.day, tzinfo=tz)
            opens = wall.replace(hour=int(o[:2]), minute=int(o[3:])).astimezone(UTC)
            closes = wall.replace(hour=int(c[:2]), minute=int(c[3:])).astimezone(UTC)
            lo = max(opens, start.replace(tzinfo=UTC))
            hi = min(closes, end.replace(tzinfo=UTC))
            total += max(0.0, (hi - lo).total_seconds())
        day += timedelta(days=1)
    return total


def test_speed_to_lead_in_calendar_and_business_minutes(pipeline_run: PipelineRun) -> None:
    with pipeline_run.connect() as con:
        leads = _rows(
            con,
            "SELECT lead_id, submitted_at, first_call_at, speed_to_lead_minutes, "
            "speed_to_lead_business_minutes, is_called_within_target FROM marts.fct_leads "
            "WHERE is_called",
        )
        daily = _sum(
            con, "kpi_sales_daily", "speed_to_lead_within_target_rate_numerator",
            "speed_to_lead_within_target_rate_denominator", "leads_submitted",
        )  # fmt: skip
        (submitted,) = con.execute("SELECT count(*) FROM marts.fct_leads").fetchone()
    assert len(leads) > 50
    outside_hours = 0
    for lead in leads:
        calendar = (lead["first_call_at"] - lead["submitted_at"]).total_seconds() / 60
        business = _business_seconds(lead["submitted_at"], lead["first_call_at"]) / 60
        assert float(lead["speed_to_lead_minutes"]) == pytest.approx(calendar, abs=1e-4)
        assert float(lead["speed_to_lead_business_minutes"]) == pytest.approx(business, abs=1e-4)
        assert lead["is_called_within_target"] == (business <= 5)
        outside_hours += business < calendar - 1
    assert outside_hours > 0  # forms sent at night or on Sunday wait less in business time
    within = sum(lead["is_called_within_target"] for lead in leads)
    assert tuple(int(x) for x in daily) == (within, len(leads), submitted)


def test_weekly_and_monthly_tables_re_aggregate_the_daily_sums(pipeline_run: PipelineRun) -> None:
    columns = ("contacts", "fcr_rate_numerator", "fcr_rate_denominator", "nps_promoters",
               "csat_mean_score_numerator", "detractor_follow_up_seconds_numerator")  # fmt: skip
    with pipeline_run.connect() as con:
        daily = _sum(con, "kpi_customer_outcomes_daily", *columns)
        assert _sum(con, "kpi_customer_outcomes_weekly", *columns) == daily
        assert _sum(con, "kpi_customer_outcomes_monthly", *columns) == daily
        sales = ("leads_submitted", "opportunities_won", "sales_amount",
                 "speed_to_lead_business_minutes_numerator")  # fmt: skip
        assert _sum(con, "kpi_sales_monthly", *sales) == _sum(con, "kpi_sales_daily", *sales)
        (bad,) = con.execute(
            """
            SELECT count(*) FROM marts.kpi_customer_outcomes_weekly
            WHERE abs(fcr_rate - cast(fcr_rate_numerator AS DOUBLE)
                      / nullif(fcr_rate_denominator, 0)) > 1e-6
            """
        ).fetchone()
        assert bad == 0


def test_cases_reconcile_with_staging_and_contacts(pipeline_run: PipelineRun) -> None:
    with pipeline_run.connect() as con:
        (raw_cases,) = con.execute("SELECT count(DISTINCT case_id) FROM raw_crm.cases").fetchone()
        (fct_cases,) = con.execute("SELECT count(*) FROM marts.fct_cases").fetchone()
        (opened,) = _sum(con, "kpi_cases_daily", "cases_opened")
        assert raw_cases == fct_cases == opened
        # every case's opening call is a customer contact of the same customer
        (mismatch,) = con.execute(
            """
            SELECT count(*) FROM marts.fct_cases k
            LEFT JOIN marts.fct_customer_contacts c ON k.origin_call_id = c.customer_contact_id
            WHERE c.customer_contact_id IS NULL OR c.customer_key IS DISTINCT FROM k.customer_key
            """
        ).fetchone()
        assert mismatch == 0
        # reopened cases are the ones whose customer called back
        (reopened_without_call_back,) = con.execute(
            "SELECT count(*) FROM marts.fct_cases WHERE is_reopened AND calls_logged < 2"
        ).fetchone()
        assert reopened_without_call_back == 0


def test_no_raw_customer_identifier_reaches_the_marts(pipeline_run: PipelineRun) -> None:
    with pipeline_run.connect() as con:
        phones = {r[0] for r in con.execute("SELECT phone FROM raw_crm.customers").fetchall()}
        emails = {r[0] for r in con.execute("SELECT email FROM raw_crm.customers").fetchall()}
        crm_ids = {
            r[0] for r in con.execute("SELECT crm_customer_id FROM raw_crm.customers").fetchall()
        }
        for model in ("dim_customers", "fct_customer_contacts", "fct_cases",
                      "fct_survey_responses", "fct_leads", "fct_sales"):  # fmt: skip
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "'marts' AND table_name = ? AND data_type = 'VARCHAR'",
                    [model],
                ).fetchall()
            ]
            for col in cols:
                values = {
                    r[0]
                    for r in con.execute(f"SELECT DISTINCT {col} FROM marts.{model}").fetchall()
                }
                assert not values & (phones | emails | crm_ids), f"{model}.{col}"


def test_lead_quality_and_conversion_equal_the_lead_files(pipeline_run: PipelineRun) -> None:
    folder = pipeline_run.landing_dir / "crm" / "leads"
    leads = [r for p in sorted(folder.iterdir()) for r in csv.DictReader(p.open())]
    called = [r for r in leads if r["first_call_at"]]
    reached = [r for r in called if r["status"] in ("qualified", "not_interested", "converted")]
    with pipeline_run.connect() as con:
        got = _sum(
            con, "kpi_sales_daily", "lead_junk_rate_numerator", "lead_junk_rate_denominator",
            "lead_reach_rate_numerator", "lead_reach_rate_denominator",
            "lead_conversion_rate_numerator",
        )  # fmt: skip
        (won_leads,) = con.execute(
            "SELECT count(DISTINCT lead_id) FROM raw_crm.opportunities WHERE stage = 'won'"
        ).fetchone()
    junk = sum(r["status"] == "junk" for r in leads)
    assert tuple(int(x) for x in got) == (junk, len(leads), len(reached), len(called), won_leads)
