"""Digital channels, self-service, outbound, quality, people and cost marts on the simulated
center of the end-to-end run (`pipeline_run`: 14 days × 24 agents from 2026-10-19): identities,
reconciliation with the landing files and the facts, relationships, and that voice KPIs stay
voice-only."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import PipelineRun


def landing_rows(landing: Path, folder: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in sorted((landing / folder).glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            out += list(csv.DictReader(fh))
    return out


def one(con, sql: str):
    return con.execute(sql).fetchone()


@pytest.fixture(scope="module")
def con(pipeline_run: PipelineRun):
    connection = pipeline_run.connect()
    yield connection
    connection.close()


def test_new_marts_are_filled(con) -> None:
    for table in (
        "kpi_channel_daily", "kpi_self_service_daily", "fct_dial_attempts",
        "kpi_outbound_campaign_daily", "kpi_outbound_agent_daily", "fct_qa_evaluations",
        "fct_coaching_sessions", "kpi_quality_daily", "kpi_people_monthly", "kpi_cost_monthly",
    ):  # fmt: skip
        (n,) = one(con, f"select count(*) from marts.{table}")
        assert n > 0, f"marts.{table} is empty"


def test_fct_contacts_carries_every_channel_and_voice_kpis_stay_voice(pipeline_run, con) -> None:
    tickets = landing_rows(pipeline_run.landing_dir, "digital/contacts")
    by_channel = Counter(t["channel"] for t in tickets)
    got = dict(
        con.execute(
            "select channel, count(*) from marts.fct_contacts where source_system = 'helpdesk' "
            "group by channel"
        ).fetchall()
    )
    assert got == dict(by_channel)
    (voice_offered,) = one(
        con, "select count(*) from marts.fct_contacts where channel = 'voice' and is_offered"
    )
    (queue_offered,) = one(con, "select sum(calls_offered) from marts.kpi_queue_daily")
    assert voice_offered == queue_offered
    (agent_handled,) = one(con, "select sum(contacts_handled) from marts.kpi_agent_daily")
    (voice_answered,) = one(
        con,
        "select count(*) from marts.fct_contacts where channel = 'voice' and is_answered "
        "and agent_id is not null",
    )
    assert agent_handled <= voice_answered


def test_digital_phone_hash_is_the_voice_customer_id(pipeline_run, con) -> None:
    # an SMS from a number that also called: the same customer_id on both channels
    (shared,) = one(
        con,
        """
        select count(distinct sms.customer_id)
        from marts.fct_contacts as sms
        inner join marts.fct_contacts as voice
            on sms.customer_phone_hash = voice.customer_id and voice.channel = 'voice'
        where sms.channel = 'sms'
        """,
    )
    assert shared > 0


def test_kpi_channel_daily_reconciles_with_fct_contacts(con) -> None:
    got = con.execute(
        """
        select channel, sum(contacts_offered), sum(contacts_answered), sum(contacts_abandoned),
               sum(first_response_seconds)
        from marts.kpi_channel_daily group by channel order by channel
        """
    ).fetchall()
    expected = con.execute(
        """
        select channel, count(*), count(*) filter (where is_answered),
               count(*) filter (where is_abandoned),
               coalesce(sum(wait_seconds) filter (where is_answered), 0)
        from marts.fct_contacts
        where channel <> 'voice' and is_offered and direction = 'inbound'
        group by channel order by channel
        """
    ).fetchall()
    assert got == expected
    bad = one(
        con,
        """
        select count(*) from marts.kpi_channel_daily
        where digital_service_level_denominator > 0 and abs(digital_service_level
            - digital_service_level_numerator / digital_service_level_denominator) > 1e-6
        """,
    )[0]
    assert bad == 0
    # chats are answered in seconds, e-mails in hours; e-mails wait overnight in the backlog
    frt = dict(
        con.execute(
            "select channel, sum(first_response_seconds) / sum(contacts_answered) "
            "from marts.kpi_channel_daily group by channel"
        ).fetchall()
    )
    assert frt["chat"] < 300 < 3600 < frt["email"]
    (email_backlog,) = one(
        con, "select max(backlog_contacts) from marts.kpi_channel_daily where channel = 'email'"
    )
    assert email_backlog > 0


def test_chat_concurrency_is_the_help_desk_tickets_concurrency(pipeline_run, con) -> None:
    # the latest version of each ticket (later files win), as stg_digital__contacts keeps
    concurrency = {
        t["ticket_id"].strip(): t["concurrency"]
        for t in landing_rows(pipeline_run.landing_dir, "digital/contacts")
    }
    answered_chats = [
        row[0]
        for row in con.execute(
            "select call_id from marts.fct_contacts where source_system = 'helpdesk' "
            "and channel = 'chat' and direction = 'inbound' and is_answered"
        ).fetchall()
    ]
    values = [int(concurrency[c]) for c in answered_chats if concurrency.get(c, "").strip()]
    assert len(values) > 50
    got = one(
        con,
        "select sum(chat_concurrency_denominator), sum(chat_concurrency_numerator) "
        "from marts.kpi_channel_daily where channel = 'chat'",
    )
    assert (int(got[0]), int(got[1])) == (len(values), sum(values))
    # no concurrency on the other digital channels
    assert one(
        con,
        "select coalesce(sum(chat_concurrency_denominator), 0) from marts.kpi_channel_daily "
        "where channel <> 'chat'",
    ) == (0,)


def test_self_service_identity_and_transfers_match_the_pbx_calls(pipeline_run, con) -> None:
    sessions = landing_rows(pipeline_run.landing_dir, "ivr/sessions")
    entries, contained, transferred, without_repeat = one(
        con,
        """
        select sum(self_service_entries), sum(sessions_contained), sum(sessions_transferred),
               sum(sessions_contained_without_repeat)
        from marts.kpi_self_service_daily
        """,
    )
    assert entries == len(sessions) == contained + transferred
    assert transferred == sum(1 for s in sessions if s["outcome"] == "transferred")
    assert 0 < without_repeat < contained
    # every transferred session is a voice call of fct_contacts (by its PBX uniqueid)
    (orphans,) = one(
        con,
        """
        select count(*) from intermediate.int_ivr_sessions_with_repeats as s
        where s.is_transferred and not exists (
            select 1 from marts.fct_contacts as c
            where c.call_id = s.call_id and c.channel = 'voice'
        )
        """,
    )
    assert orphans == 0
    rate = entries and without_repeat / entries
    assert 0.1 < rate < 0.5


def test_outbound_marts_reconcile_with_the_dialer_files(pipeline_run, con) -> None:
    attempts = landing_rows(pipeline_run.landing_dir, "outbound/attempts")
    connected = [a for a in attempts if a["result"] == "connected"]
    rpc = [a for a in connected if a["is_right_party"] == "true"]
    sales = [a for a in connected if a["disposition"] == "sale"]
    got = one(
        con,
        "select sum(dials), sum(connects), sum(right_party_contacts), sum(sales), "
        "sum(sales_amount) from marts.kpi_outbound_campaign_daily",
    )
    amount = round(sum(float(a["sale_amount"]) for a in sales), 2)
    assert got[:4] == (len(attempts), len(connected), len(rpc), len(sales))
    assert float(got[4]) == pytest.approx(amount)
    by_agent = one(
        con,
        "select sum(connects), sum(right_party_contacts), sum(sales) "
        "from marts.kpi_outbound_agent_daily",
    )
    assert by_agent == got[1:4]
    (bad,) = one(
        con,
        """
        select count(*) from marts.kpi_outbound_campaign_daily
        where dials > 0 and abs(contact_rate - connects * 1.0 / dials) > 1e-6
        """,
    )
    assert bad == 0


def test_quality_links_evaluations_to_contacts_and_coaching(pipeline_run, con) -> None:
    evaluations = landing_rows(pipeline_run.landing_dir, "quality/evaluations")
    n, linked, passed = one(
        con,
        "select count(*), count(contact_id), count(*) filter (where is_passed) "
        "from marts.fct_qa_evaluations",
    )
    assert n == len(evaluations) and linked == n
    (agent_mismatch,) = one(
        con,
        """
        select count(*) from marts.fct_qa_evaluations as e
        inner join marts.fct_contacts as c on e.contact_id = c.contact_id
        where c.agent_id <> e.agent_id or not c.is_answered
        """,
    )
    assert agent_mismatch == 0
    got = one(
        con,
        "select sum(evaluations), sum(evaluations_passed), sum(coaching_sessions) "
        "from marts.kpi_quality_daily",
    )
    sessions = landing_rows(pipeline_run.landing_dir, "quality/coaching")
    assert got == (n, passed, len(sessions))
    (score,) = one(
        con,
        "select sum(qa_score_numerator) / sum(qa_score_denominator) from marts.kpi_quality_daily",
    )
    assert 70 < score < 95


def test_people_monthly_counts_hr_leavers_and_headcount(pipeline_run, con) -> None:
    history = landing_rows(pipeline_run.landing_dir, "hr/roster_history")
    roster = landing_rows(pipeline_run.landing_dir, "roster")
    leavers, months = one(
        con, "select sum(leavers), count(distinct kpi_date) from marts.kpi_people_monthly"
    )
    assert leavers == sum(1 for h in history if h["leave_date"])
    assert months >= 12
    (end_october,) = one(
        con,
        "select sum(headcount_end) from marts.kpi_people_monthly where kpi_date = '2026-10-01'",
    )
    assert end_october == len(roster)  # nobody of today's roster has left
    (bad,) = one(
        con,
        """
        select count(*) from marts.kpi_people_monthly
        where attrition_rate_denominator > 0
            and abs(annualized_attrition_rate - 12 * attrition_rate) > 1e-5
        """,
    )
    assert bad == 0


def test_cost_per_contact_allocates_the_whole_finance_cost(pipeline_run, con) -> None:
    costs = landing_rows(pipeline_run.landing_dir, "finance/costs")
    by_month: dict[str, float] = {}
    for c in costs:
        by_month[c["month"]] = by_month.get(c["month"], 0.0) + float(c["amount"])
    got = dict(
        con.execute(
            "select cast(kpi_date as varchar), sum(total_cost) from marts.kpi_cost_monthly "
            "group by kpi_date"
        ).fetchall()
    )
    assert set(got) == set(by_month)
    for month, amount in by_month.items():
        assert float(got[month]) == pytest.approx(amount, abs=0.05)
    handled = dict(
        con.execute(
            "select channel, sum(contacts_handled) from marts.kpi_cost_monthly group by channel"
        ).fetchall()
    )
    (voice_answered,) = one(
        con,
        "select count(*) from marts.fct_contacts where channel = 'voice' and is_answered "
        "and direction = 'inbound'",
    )
    assert handled["voice"] == voice_answered
    assert {"voice", "chat", "email", "outbound"} <= set(handled)
