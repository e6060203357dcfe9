"""Amazon Connect contact trace records: every JSON shape, the real files, duplicates, chains.

The real extracts are read from ../shared/data/amazon_connect (skipped when absent); the
synthetic records are written to tmp_path by the tests. The last tests build the dbt models
on a small landing folder: the latest record of a contact wins in staging, transfer chains
become one call in fct_contacts, and the daily queue KPIs count the contacts.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_cli import run_dbt
from orchestration.ingest import ingest_landing, load_source, validate_raw
from orchestration.ingest.records import split_json
from tests.conftest import write_landing_file as write

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "amazon_connect"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not available")
CTR = "amazon_connect/ctr"


def ctr(contact_id: str, **fields) -> dict:
    """A contact trace record with the fields the tests vary (Connect's own key names)."""
    record = {
        "AWSAccountId": "555500000000",
        "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "Agent": None,
        "AgentConnectionAttempts": 0,
        "Attributes": {},
        "Channel": "VOICE",
        "ContactId": contact_id,
        "CustomerEndpoint": {"Address": "+15550100", "Type": "TELEPHONE_NUMBER"},
        "InitialContactId": None,
        "InitiationMethod": "INBOUND",
        "InitiationTimestamp": "2024-03-05T09:00:00Z",
        "ConnectedToSystemTimestamp": "2024-03-05T09:00:00Z",
        "DisconnectTimestamp": "2024-03-05T09:05:00Z",
        "DisconnectReason": "CUSTOMER_DISCONNECT",
        "LastUpdateTimestamp": "2024-03-05T09:06:00Z",
        "NextContactId": None,
        "PreviousContactId": None,
        "Queue": None,
    }
    record.update(fields)
    return record


def queue(name: str, enqueued: str, dequeued: str | None) -> dict:
    return {"Name": name, "ARN": f"arn:queue/{name}", "EnqueueTimestamp": enqueued,
            "DequeueTimestamp": dequeued, "Duration": 0}  # fmt: skip


def agent(username: str, connected: str, talk: int, hold: int = 0, acw: int | None = None) -> dict:
    return {"Username": username, "ConnectedToAgentTimestamp": connected,
            "AgentInteractionDuration": talk, "CustomerHoldDuration": hold, "NumberOfHolds": 0,
            "AfterContactWorkDuration": acw}  # fmt: skip


def quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, str]]:
    return con.execute(
        "SELECT file_name, line_number, reason FROM raw_ingest.quarantine "
        "ORDER BY file_name, line_number, reason"
    ).fetchall()


def loaded(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT _file_name, _row_number, source_line, contact_id "
        "FROM raw_amazon_connect.contact_trace_records ORDER BY _file_name, _row_number"
    ).fetchall()


# --- the real files ----------------------------------------------------------------------


@needs_shared
def test_real_amazon_connect_files(con, landing: Path) -> None:
    """Both CTRs load; the agent event is quarantined with what it is (a file none of whose
    records is a CTR is rejected by its contract); the interval reports (CSV aggregates, not
    contacts) are not loaded and the ledger says why."""
    for path in SHARED.iterdir():
        write(landing, f"{CTR}/{path.name}", path.read_text(encoding="utf-8"))
    results = {
        r.file_name.split("/")[-1]: r for r in load_source(con, landing, "amazon_connect_ctr")
    }
    assert set(results) == {p.name for p in SHARED.iterdir()}
    for r in results.values():
        assert r.rows_in == r.rows_loaded + r.rows_quarantined

    for name in ("ctr-record-1.json", "fh-ctr-example.json"):
        assert (results[name].status, results[name].rows_loaded) == ("loaded", 1), results[name]
    event = results["agent-event-1.json"]
    assert (event.status, event.rows_in, event.rows_quarantined) == ("rejected", 1, 1)
    for name in ("agent_interval_test.csv", "agent-historic-interval-1.csv",
                 "queue_interval_test.csv", "queue-historic-interval-1.csv"):  # fmt: skip
        r = results[name]
        assert (r.status, r.rows_in) == ("failed", 0)
        assert "historical metrics report" in r.message and "not loaded" in r.message
    assert con.execute(
        "SELECT count(*) FROM raw_ingest.file_ledger WHERE status = 'failed'"
    ).fetchone() == (4,)

    assert quarantine(con) == [
        (
            f"{CTR}/agent-event-1.json",
            1,
            "line 1, record 1: no ContactId: not a contact trace record (an Amazon Connect "
            "agent event stream record: AgentARN, EventType)",
        )
    ]
    rows = con.execute(
        """
        SELECT contact_id, channel, initiation_method, initiation_at, disconnect_at,
               last_update_at, queue_name, agent_username, agent_connected_at,
               agent_interaction_seconds, agent_acw_seconds, customer_endpoint_address,
               attributes_json, json_extract_string(record_json, '$.InstanceARN') IS NOT NULL
        FROM raw_amazon_connect.contact_trace_records ORDER BY contact_id
        """
    ).fetchall()
    assert rows == [
        ("3b124062-b242-4aa9-bb40-1e2414b8758a", "VOICE", "OUTBOUND",
         datetime(2019, 2, 27, 8, 19, 18), datetime(2019, 2, 27, 8, 20, 49),
         datetime(2019, 2, 27, 8, 22, 6), "National Accounts", "P12288098",
         datetime(2019, 2, 27, 8, 19, 22), 86, 10, "+555151322455",
         '{"DynamicCallerID":"+555311573985"}', True),
        ("4cdd0d7e-0992-4d66-9ad3-0ec33b478fdd", "VOICE", "INBOUND",
         datetime(2019, 1, 30, 15, 11, 35), datetime(2019, 1, 30, 15, 11, 39),
         datetime(2019, 1, 30, 15, 12, 41), None, None, None, None, None, "+5553197501", "{}",
         True),
    ]  # fmt: skip
    result = validate_raw(con, "amazon_connect_ctr")
    assert result.success, result.failures

    # the same folder again: nothing changes
    again = load_source(con, landing, "amazon_connect_ctr")
    statuses = {r.file_name.split("/")[-1]: r.status for r in again}
    assert {k: v for k, v in statuses.items() if k.endswith(".json")} == {
        "ctr-record-1.json": "unchanged", "fh-ctr-example.json": "unchanged",
        "agent-event-1.json": "rejected",  # still rejected, nothing written
    }  # fmt: skip


# --- JSON shapes ---------------------------------------------------------------------------


def test_every_json_shape(con, landing: Path) -> None:
    a, b, c = (json.dumps(ctr(f"c-{i}")) for i in "abc")
    write(landing, f"{CTR}/1-firehose.json", a + b + c)  # Firehose: no separator at all
    write(landing, f"{CTR}/2-array.json", json.dumps([ctr("c-d"), ctr("c-e")], indent=2))
    write(landing, f"{CTR}/3-lines.jsonl", f"{a}\n\n{b}\r\n")
    write(landing, f"{CTR}/4-pretty.json", "\n" + json.dumps(ctr("c-f"), indent=4) + "\n")
    write(landing, f"{CTR}/5-empty.json", "")
    results = load_source(con, landing, "amazon_connect_ctr")
    assert [(r.status, r.rows_in, r.rows_loaded) for r in results] == [
        ("loaded", 3, 3), ("loaded", 2, 2), ("loaded", 2, 2), ("loaded", 1, 1), ("loaded", 0, 0),
    ]  # fmt: skip
    assert "3 JSON values over 1 line(s), concatenated" in results[0].message
    assert "JSON array (2 element(s))" in results[1].message
    assert "JSON lines" in results[2].message
    assert loaded(con) == [
        (f"{CTR}/1-firehose.json", 1, 1, "c-a"),
        (f"{CTR}/1-firehose.json", 2, 1, "c-b"),
        (f"{CTR}/1-firehose.json", 3, 1, "c-c"),
        (f"{CTR}/2-array.json", 1, 2, "c-d"),
        (f"{CTR}/2-array.json", 2, 25, "c-e"),
        (f"{CTR}/3-lines.jsonl", 1, 1, "c-a"),
        (f"{CTR}/3-lines.jsonl", 2, 3, "c-b"),
        (f"{CTR}/4-pretty.json", 1, 2, "c-f"),
    ]
    assert quarantine(con) == []


def test_gzip_firehose_object_and_a_file_that_is_not_json(con, landing: Path) -> None:
    path = landing / CTR / "2024" / "03" / "05" / "ctr-stream-1-2024-03-05-09-10-00-ab12"
    path.parent.mkdir(parents=True)
    path.write_bytes(gzip.compress((json.dumps(ctr("g-1")) + json.dumps(ctr("g-2"))).encode()))
    write(landing, f"{CTR}/notes.txt", "contacts of March, see the CSV\n")
    gz, notes = load_source(con, landing, "amazon_connect_ctr")
    assert (gz.status, gz.rows_loaded) == ("loaded", 2), gz.message
    assert "gzip-compressed, read decompressed" in gz.message
    assert (notes.status, notes.message) == (
        "failed",
        f"{CTR}/notes.txt: not JSON (it starts with 'contacts of March, see the CSV'): not "
        "loaded. Contact trace records are JSON (one record, an array, JSON lines or Firehose's "
        "concatenated records); move other exports out of amazon_connect/ctr/ (historical "
        "metrics reports load from amazon_connect/historical_metrics/queue/ and /agent/)",
    )
    assert [r[3] for r in loaded(con)] == ["g-1", "g-2"]


def test_bad_records_are_quarantined_one_by_one(con, landing: Path) -> None:
    good = json.dumps(ctr("c-1"))
    bad_time = json.dumps(ctr("c-2", InitiationTimestamp="05/03/2024 09:00"))
    bad_int = json.dumps(ctr("c-3", Agent=agent("ann", "2024-03-05T09:01:00Z", talk="long")))
    text = (
        good
        + "\n"
        + '{"ContactId": "c-4", "Channel": "VOICE"'  # cut off: the export was truncated
        + "\n"
        + "[1, "
        + good.replace("c-1", "c-5")
        + "]\n"
        + bad_time
        + bad_int
        + '{"Channel": "VOICE"}'
        + "\n"
        + good.replace("c-1", "c-6")[:-40]  # truncated last line
    )
    write(landing, f"{CTR}/batch.json", text)
    (result,) = load_source(con, landing, "amazon_connect_ctr")
    assert (result.status, result.rows_in, result.rows_loaded, result.rows_quarantined) == (
        "loaded", 8, 2, 6,
    )  # fmt: skip
    reasons = [(line, reason) for _, line, reason in quarantine(con)]
    last = reasons.pop()
    assert last[0] == 5 and last[1].startswith(
        "line 5, record 8: not valid JSON (Unterminated string starting at: line 5 column "
    )
    assert reasons == [
        (2, "line 2, record 2: not valid JSON (Expecting ',' delimiter: line 3 column 1)"),
        (3, "line 3, record 3: a JSON number, not an object"),
        (4, "line 4, record 5: InitiationTimestamp is not an ISO 8601 timestamp: "
            "'05/03/2024 09:00'"),
        (4, "line 4, record 6: Agent.AgentInteractionDuration is not a whole number: 'long'"),
        (4, "line 4, record 7: no ContactId: not a contact trace record (keys: Channel)"),
    ]  # fmt: skip
    assert [r[3] for r in loaded(con)] == ["c-1", "c-5"]


def test_split_json_keeps_fragments_and_positions() -> None:
    rows, arrays = split_json('{"a":1}{"b":2\n{"c":3}\n[{"d":4},\n{"e":5}]')
    assert arrays == 1
    assert [(line, text, problem is None) for line, text, problem in rows] == [
        (1, '{"a":1}', True),
        (1, '{"b":2', False),
        (2, '{"c":3}', True),
        (3, '{"d":4}', True),
        (4, '{"e":5}', True),
    ]


# --- duplicates, chains and the marts --------------------------------------------------------

# A: answered in Support, then transferred to Billing (B, answered there); A's record arrives
# three times: the first version (no after-contact work yet), its update, and a stale copy of
# the first version in a file loaded later. C: abandoned in Support; delivered twice.
A_FIRST = ctr(
    "A", Queue=queue("Support", "2024-03-05T09:00:20Z", "2024-03-05T09:00:50Z"),
    Agent=agent("ann", "2024-03-05T09:00:50Z", 200, hold=30), NextContactId="B",
    DisconnectReason="AGENT_DISCONNECT", TransferCompletedTimestamp="2024-03-05T09:05:00Z",
    LastUpdateTimestamp="2024-03-05T09:05:10Z",
)  # fmt: skip
A_UPDATED = {**A_FIRST, "LastUpdateTimestamp": "2024-03-05T09:07:00Z",
             "Agent": agent("ann", "2024-03-05T09:00:50Z", 200, hold=30, acw=45)}  # fmt: skip
B = ctr(
    "B", InitialContactId="A", PreviousContactId="A", InitiationMethod="TRANSFER",
    InitiationTimestamp="2024-03-05T09:04:58Z",
    Queue=queue("Billing", "2024-03-05T09:05:00Z", "2024-03-05T09:05:12Z"),
    Agent=agent("bob", "2024-03-05T09:05:12Z", 100, acw=0),
    DisconnectTimestamp="2024-03-05T09:07:00Z", LastUpdateTimestamp="2024-03-05T09:08:00Z",
)  # fmt: skip
C = ctr(
    "C", InitiationTimestamp="2024-03-05T23:30:00Z",
    Queue=queue("Support", "2024-03-05T23:30:30Z", "2024-03-05T23:31:10Z"),
    DisconnectTimestamp="2024-03-05T23:31:10Z", LastUpdateTimestamp="2024-03-05T23:31:30Z",
)  # fmt: skip
# Firehose: a dated prefix, no extension, records concatenated with no separator
FIREHOSE = f"{CTR}/2024/03/05/09/ctr-stream-1-2024-03-05-09-10-00-0a1b2c"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("connect")
    landing = tmp / "landing"
    write(landing, FIREHOSE, "".join(json.dumps(r) for r in (A_FIRST, B, C)))
    write(landing, f"{CTR}/fh-2.json", json.dumps(A_UPDATED) + json.dumps(C))
    write(landing, f"{CTR}/fh-3.json", json.dumps([A_FIRST]))
    if SHARED.is_dir():
        for name in ("ctr-record-1.json", "fh-ctr-example.json"):
            write(landing, f"{CTR}/{name}", (SHARED / name).read_text(encoding="utf-8"))
    warehouse = tmp / "wh.duckdb"
    results = ingest_landing(warehouse, landing)
    assert {r.status for r in results} == {"loaded"}, results
    run_dbt(
        ["build", "--select", "+kpi_queue_daily", "+dim_queues", "+dim_agents",
         "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
        warehouse_path=warehouse, target_path=tmp / "target", quiet=True,
    )  # fmt: skip
    run_dbt(
        ["test", "--select", "stg_amazon_connect__contacts", "intermediate.contacts", "marts.voice",
         "--indirect-selection", "buildable"],
        warehouse_path=warehouse, target_path=tmp / "target", quiet=True,
    )  # fmt: skip
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


def test_latest_record_of_a_contact_wins(built) -> None:
    assert built.execute(
        "SELECT count(*) FROM raw_amazon_connect.contact_trace_records WHERE contact_id = 'A'"
    ).fetchone() == (3,)
    rows = built.execute(
        """
        SELECT contact_id, last_update_at, acw_seconds, records_delivered, _file_name
        FROM staging.stg_amazon_connect__contacts WHERE contact_id IN ('A', 'B', 'C')
        ORDER BY contact_id
        """
    ).fetchall()
    assert rows == [
        ("A", datetime(2024, 3, 5, 9, 7), 45, 3, f"{CTR}/fh-2.json"),
        ("B", datetime(2024, 3, 5, 9, 8), 0, 1, FIREHOSE),
        ("C", datetime(2024, 3, 5, 23, 31, 30), None, 2, f"{CTR}/fh-2.json"),
    ]


def test_transfer_chain_is_one_call_in_fct_contacts(built) -> None:
    rows = built.execute(
        """
        SELECT call_id, queue_visit_number, queue_id, agent_id, outcome, arrived_at,
               queue_entered_at, wait_seconds, talk_seconds, hold_seconds, acw_seconds,
               handle_seconds, end_reason, transfer_type, abandon_reason, contact_date
        FROM marts.fct_contacts WHERE source_system = 'amazon_connect'
        ORDER BY arrived_at, queue_visit_number
        """
    ).fetchall()
    chain = [r for r in rows if r[0] in ("A", "C")]
    assert chain == [
        ("A", 1, "Support", "ann", "answered", datetime(2024, 3, 5, 9),
         datetime(2024, 3, 5, 9, 0, 20), 30, 200, 30, 45, 275, "transfer", "blind", None,
         datetime(2024, 3, 5).date()),
        ("A", 2, "Billing", "bob", "answered", datetime(2024, 3, 5, 9),
         datetime(2024, 3, 5, 9, 5), 12, 100, 0, 0, 100, "caller", None, None,
         datetime(2024, 3, 5).date()),
        # 23:30 UTC is 00:30 on 6 March in Madrid (the default site): the local day counts
        ("C", 1, "Support", None, "abandoned", datetime(2024, 3, 5, 23, 30),
         datetime(2024, 3, 5, 23, 30, 30), 40, None, None, None, None, None, None,
         "caller_hangup", datetime(2024, 3, 6).date()),
    ]  # fmt: skip
    if SHARED.is_dir():
        real = {r[0]: r[4] for r in rows if r[0] not in ("A", "C")}
        assert real == {
            "4cdd0d7e-0992-4d66-9ad3-0ec33b478fdd": "ended_in_ivr",
            "3b124062-b242-4aa9-bb40-1e2414b8758a": "outbound",
        }


def test_daily_queue_kpis_count_connect_contacts(built) -> None:
    rows = built.execute(
        """
        SELECT queue_id, date_local, calls_offered, calls_answered, calls_abandoned,
               wait_seconds_answered, handle_seconds, calls_transferred
        FROM marts.kpi_queue_daily WHERE queue_id IN ('Support', 'Billing')
        ORDER BY queue_id, date_local
        """
    ).fetchall()
    day, next_day = datetime(2024, 3, 5).date(), datetime(2024, 3, 6).date()
    assert rows == [
        ("Billing", day, 1, 1, 0, 12, 100, 0),
        ("Support", day, 1, 1, 0, 30, 275, 1),
        ("Support", next_day, 1, 0, 1, 0, 0, 0),
    ]
    assert built.execute(
        "SELECT queue_id, is_in_events FROM marts.dim_queues WHERE queue_id IN "
        "('Support', 'Billing') ORDER BY 1"
    ).fetchall() == [("Billing", True), ("Support", True)]
    assert built.execute(
        "SELECT agent_id FROM marts.dim_agents WHERE agent_id IN ('ann', 'bob') ORDER BY 1"
    ).fetchall() == [("ann",), ("bob",)]
