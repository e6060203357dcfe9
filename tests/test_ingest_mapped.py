"""Mapping files: CSV, Excel and JSON exports mapped to the canonical contact, no Python.

Every test writes its own landing folder (landing/mapped/<name>/ with a mapping.yml beside
the data) and warehouse under tmp_path.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import ingest_landing, load_source, validate_raw
from tests.conftest import write_landing_file as write

MAPPING = """\
reader:
  format: csv
  delimiter: ";"
  header: true
columns:
  call: Call ID
  day: Date
  start: Start
  waited: Wait (s)
  talked: Talk (s)
  result: Result
  team: Queue
  who: Agent
  phone: Caller
derived:
  started: strptime(day || ' ' || start, '%d.%m.%Y %H:%M:%S')
  result_code: upper(trim(result))
exclude:
  - when: result_code = 'TEST'
    reason: test call placed by the telephony team
contact:
  contact_id: call
  queue: team
  agent: nullif(who, '-')
  customer: phone
  arrived_at: started
  queued_at: started
  answered_at: >-
    CASE WHEN result_code = 'OK' THEN started + to_seconds(try_cast(waited AS BIGINT)) END
  ended_at: >-
    started + to_seconds(try_cast(waited AS BIGINT) + coalesce(try_cast(talked AS BIGINT), 0))
  wait_seconds: waited
  talk_seconds: talked
  hold_seconds: CASE WHEN result_code = 'OK' THEN 0 END
  acw_seconds: CASE WHEN result_code = 'OK' THEN 0 END
  outcome: >-
    CASE result_code WHEN 'OK' THEN 'answered' WHEN 'LOST' THEN 'abandoned'
                     ELSE lower(result_code) END
"""

DATA = """\
Call ID;Date;Start;Wait (s);Talk (s);Result;Queue;Agent;Caller;Notes
1001;05.03.2024;09:00:00;12;180;ok;Support;ann;+34600000001;
1002;05.03.2024;09:01:00;40;;lost;Support;-;+34600000002;called back
1003;05.03.2024;09:02:00;5;60;TEST;Support;tech;;
1004;05.03.2024;09:03:00;-4;30;ok;Support;bob;+34600000004;
1005;05.03.2024;09:04:00;8;20;maybe;Support;bob;+34600000005;
;05.03.2024;09:05:00;8;20;ok;Support;bob;+34600000006;
1007;05.03.2024;09:06:00;abc;20;ok;Support;bob;+34600000007;
1008;05.03.2024;09:07:00;3;;lost;Billing;-;+34600000008
"""


def quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    return con.execute(
        "SELECT line_number, reason FROM raw_ingest.quarantine ORDER BY file_name, line_number"
    ).fetchall()


def test_csv_mapping_loads_and_quarantines_with_reasons(con, landing: Path) -> None:
    write(landing, "mapped/crm_calls/mapping.yml", MAPPING)
    write(landing, "mapped/crm_calls/calls-2024-03-05.csv", DATA)
    (result,) = load_source(con, landing, "mapped_contacts")
    assert result.status == "loaded", result.message
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (8, 2, 6)
    assert "mapped by mapped/crm_calls/mapping.yml (columns not mapped: Notes)" in result.message
    assert result.config_sha256 is not None
    assert quarantine(con) == [
        (4, "line 4: excluded by the mapping: test call placed by the telephony team"),
        (5, "line 5: contact.wait_seconds is negative: -4; contact.answered_at "
            "(2024-03-05 09:02:56) is before contact.arrived_at (2024-03-05 09:03:00); "
            "contact.answered_at (2024-03-05 09:02:56) is before contact.queued_at "
            "(2024-03-05 09:03:00)"),
        (6, "line 6: contact.outcome is 'maybe', not one of answered, abandoned, flowed_out, "
            "in_progress, lost_before_queue, ended_in_ivr, outbound"),
        (7, "line 7: contact.contact_id is empty"),
        (8, "line 8: contact.wait_seconds is not a BIGINT: 'abc'"),
        (9, "line 9: expected 10 fields as in the header, found 9"),
    ]  # fmt: skip
    rows = con.execute(
        """
        SELECT source_name, contact_id, channel, direction, queue_id, agent_id, customer,
               arrived_at, queued_at, answered_at, ended_at, time_basis, wait_seconds,
               talk_seconds, hold_seconds, outcome, abandon_reason, _row_number, source_line,
               mapping_file, json_extract_string(source_record, '$.result')
        FROM raw_mapped.contacts ORDER BY contact_id
        """
    ).fetchall()
    assert rows == [
        ("crm_calls", "1001", "voice", "inbound", "Support", "ann", "+34600000001",
         datetime(2024, 3, 5, 9), datetime(2024, 3, 5, 9), datetime(2024, 3, 5, 9, 0, 12),
         datetime(2024, 3, 5, 9, 3, 12), "local", 12, 180, 0, "answered", None, 2, 2,
         "mapped/crm_calls/mapping.yml", "ok"),
        ("crm_calls", "1002", "voice", "inbound", "Support", None, "+34600000002",
         datetime(2024, 3, 5, 9, 1), datetime(2024, 3, 5, 9, 1), None,
         datetime(2024, 3, 5, 9, 1, 40), "local", 40, None, None, "abandoned", "caller_hangup",
         3, 3, "mapped/crm_calls/mapping.yml", "lost"),
    ]  # fmt: skip
    result = validate_raw(con, "mapped_contacts")
    assert result.success, result.failures


def test_a_bad_expression_fails_its_files_and_the_others_load(
    tmp_path: Path, landing: Path
) -> None:
    bad = MAPPING.replace(
        "strptime(day || ' ' || start, '%d.%m.%Y %H:%M:%S')", "strptime(day || ' ' || begin, 1)"
    )
    write(landing, "mapped/broken/mapping.yml", bad)
    write(landing, "mapped/broken/a.csv", DATA)
    write(landing, "mapped/broken/b.csv", DATA)
    write(landing, "mapped/crm_calls/mapping.yml", MAPPING)
    write(landing, "mapped/crm_calls/calls.csv", DATA)
    write(landing, "asterisk/queue_log/queue_log", "1706360000|NONE|NONE|NONE|QUEUESTART|\n")
    results = {r.file_name: r for r in ingest_landing(tmp_path / "other.duckdb", landing)}
    assert {name: r.status for name, r in results.items()} == {
        "asterisk/queue_log/queue_log": "loaded",
        "mapped/broken/a.csv": "failed",
        "mapped/broken/b.csv": "failed",
        "mapped/crm_calls/calls.csv": "loaded",
    }
    message = results["mapped/broken/a.csv"].message
    assert message.startswith(
        "mapped/broken/a.csv: mapping mapped/broken/mapping.yml: derived.started: the expression "
        "\"strptime(day || ' ' || begin, 1)\" is not valid DuckDB SQL over the source columns "
        "(call, day, start, waited, talked, result, team, who, phone; derived: started, "
        "result_code): "
    ), message
    assert "begin" in message.split("): ", 1)[1]  # DuckDB's own reason follows
    assert results["mapped/crm_calls/calls.csv"].rows_loaded == 2


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ("reader: [1\n", "mapping mapped/m/mapping.yml: not valid YAML: "),
        ("columns: [a]\ncontact: {contact_id: a}\n",
         "mapping mapped/m/mapping.yml: contact: outcome required"),
        ("columns: [a]\ncontact: {contact_id: a, outcome: a, queue_name: a}\n",
         "mapping mapped/m/mapping.yml: contact: unknown column(s) queue_name; canonical "
         "columns: contact_id, channel,"),
        ("columns: [a]\ncontact: {contact_id: a, outcome: \"a; DROP TABLE x\"}\n",
         "mapping mapped/m/mapping.yml: contact.outcome: 'a; DROP TABLE x' contains ';'"),
        ("columns: [a]\ncontact: {contact_id: a, outcome: nosuchfunction(a)}\n",
         "mapping mapped/m/mapping.yml: contact.outcome: the expression 'nosuchfunction(a)' is "
         "not valid DuckDB SQL"),
        ("reader: {format: xml}\ncolumns: [a]\ncontact: {contact_id: a, outcome: a}\n",
         "mapping mapped/m/mapping.yml: reader.format 'xml' is not one of csv, excel, json"),
        ("columns: [line_number]\ncontact: {contact_id: line_number, outcome: line_number}\n",
         "mapping mapped/m/mapping.yml: columns: 'line_number' is reserved by the loader"),
        ("columns: {a: a, at: b}\ncontact: {contact_id: a, outcome: a}\n",
         "mapping mapped/m/mapping.yml: columns: 'at' is an SQL keyword; name the column "
         "otherwise (e.g. at_value: at)"),
    ],
)  # fmt: skip
def test_mapping_errors_name_the_mapping(con, landing: Path, mapping: str, expected: str) -> None:
    write(landing, "mapped/m/mapping.yml", mapping)
    write(landing, "mapped/m/data.csv", "a\n1\n")
    (result,) = load_source(con, landing, "mapped_contacts")
    assert result.status == "failed"
    assert result.message.startswith(f"mapped/m/data.csv: {expected}"), result.message


def test_a_folder_without_mapping_fails_with_what_to_do(con, landing: Path) -> None:
    write(landing, "mapped/unknown_source/data.csv", "a\n1\n")
    (result,) = load_source(con, landing, "mapped_contacts")
    assert (result.status, result.message) == (
        "failed",
        "mapped/unknown_source/data.csv: no mapping for the folder mapped/unknown_source/: write "
        "mapped/unknown_source/mapping.yml (README, 'Mapping files') or add "
        "mappings/unknown_source.yml to the project",
    )


def test_a_value_an_expression_cannot_take_fails_the_file_with_the_mapping(
    con, landing: Path
) -> None:
    write(landing, "mapped/crm_calls/mapping.yml", MAPPING)
    write(
        landing,
        "mapped/crm_calls/bad-date.csv",
        DATA.replace("05.03.2024;09:00:00", "yesterday;09:00:00"),
    )
    (result,) = load_source(con, landing, "mapped_contacts")
    assert result.status == "failed"
    assert "evaluating the expressions of mapping mapped/crm_calls/mapping.yml failed" in (
        result.message
    )
    assert "try_" in result.message
    # with try_strptime the row is quarantined instead: the times it needs are empty
    write(landing, "mapped/crm_calls/mapping.yml", MAPPING.replace("strptime(", "try_strptime("))
    (result,) = load_source(con, landing, "mapped_contacts")
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 1, 7)
    assert quarantine(con)[0] == (
        2,
        "line 2: contact.queued_at is empty, but outcome 'answered' means the contact entered "
        "a queue; contact.arrived_at is empty (and so is queued_at)",
    )


def test_changed_mapping_reloads_an_unchanged_file(con, landing: Path) -> None:
    mapping = write(landing, "mapped/crm_calls/mapping.yml", MAPPING)
    write(landing, "mapped/crm_calls/calls.csv", DATA)
    assert [r.status for r in load_source(con, landing, "mapped_contacts")] == ["loaded"]
    assert [r.status for r in load_source(con, landing, "mapped_contacts")] == ["unchanged"]
    mapping.write_text(MAPPING.replace("queue: team", "queue: upper(team)"), encoding="utf-8")
    (result,) = load_source(con, landing, "mapped_contacts")
    assert result.status == "replaced"
    assert "(same file, changed mapping)" in result.message
    assert con.execute("SELECT DISTINCT queue_id FROM raw_mapped.contacts").fetchall() == [
        ("SUPPORT",)
    ]
    assert con.execute("SELECT count(*) FROM raw_ingest.quarantine").fetchone() == (6,)


def test_declared_encoding_and_no_header(con, landing: Path) -> None:
    mapping = """\
reader: {format: csv, delimiter: ",", header: false, encoding: windows-1251}
columns: [id, when_at, queue_name, agent_name, outcome_code]
timestamps: utc
contact:
  contact_id: id
  queue: queue_name
  agent: agent_name
  arrived_at: when_at
  queued_at: when_at
  answered_at: CASE WHEN outcome_code = 'A' THEN when_at END
  outcome: CASE outcome_code WHEN 'A' THEN 'answered' ELSE 'abandoned' END
"""
    write(landing, "mapped/ru/mapping.yml", mapping)
    data = "1,2024-03-05 09:00:00,Продажи,Иван,A\n2,2024-03-05 09:01:00,Продажи,,H\n"
    write(landing, "mapped/ru/export.csv", data.encode("windows-1251"))
    (result,) = load_source(con, landing, "mapped_contacts")
    assert (result.status, result.rows_loaded) == ("loaded", 2), result.message
    assert "read as windows-1251" in result.message
    assert con.execute(
        "SELECT contact_id, queue_id, agent_id, time_basis, outcome, _row_number "
        "FROM raw_mapped.contacts ORDER BY 1"
    ).fetchall() == [
        ("1", "Продажи", "Иван", "utc", "answered", 1),
        ("2", "Продажи", None, "utc", "abandoned", 2),
    ]


def test_excel_mapping_rows_are_sheet_rows(con, landing: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    sheet = book.create_sheet("Calls")
    sheet.append(["Id", "Date", "Time", "Queue", "Agent", "Wait", "Handled"])
    sheet.append(
        [1, datetime(2024, 3, 5), datetime(2024, 3, 5, 9, 0).time(), "Sales", "ann", 12, "yes"]
    )
    sheet.append(
        [2, datetime(2024, 3, 5), datetime(2024, 3, 5, 9, 5).time(), "Sales", None, 30, "no"]
    )
    sheet.append([])
    sheet.append([4, "not a date", "09:10:00", "Sales\nEast", "bob", 5, "yes"])
    book.save(landing.parent / "calls.xlsx")
    write(landing, "mapped/xl/calls.xlsx", (landing.parent / "calls.xlsx").read_bytes())
    write(
        landing,
        "mapped/xl/mapping.yml",
        """\
reader: {format: excel, sheet: Calls}
columns: {id: Id, day: Date, at_time: Time, queue_name: Queue, agent_name: Agent, wait: Wait,
          handled: Handled}
contact:
  contact_id: id
  queue: queue_name
  agent: agent_name
  queued_at: try_cast(day AS DATE) + try_cast(at_time AS TIME)
  answered_at: >-
    CASE WHEN handled = 'yes'
    THEN try_cast(day AS DATE) + try_cast(at_time AS TIME) + to_seconds(wait::BIGINT) END
  wait_seconds: wait
  outcome: CASE handled WHEN 'yes' THEN 'answered' ELSE 'abandoned' END
""",
    )
    (result,) = load_source(con, landing, "mapped_contacts")
    assert result.status == "loaded", result.message
    assert "Excel sheet 'Calls'; 1 row(s) had line breaks inside cells" in result.message
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (4, 2, 2)
    assert quarantine(con) == [
        (4, "line 4: blank line"),
        (5, "line 5: contact.queued_at is empty, but outcome 'answered' means the contact "
            "entered a queue; contact.arrived_at is empty (and so is queued_at)"),
    ]  # fmt: skip
    assert con.execute(
        "SELECT contact_id, queued_at, answered_at, wait_seconds, _row_number "
        "FROM raw_mapped.contacts ORDER BY 1"
    ).fetchall() == [
        ("1", datetime(2024, 3, 5, 9), datetime(2024, 3, 5, 9, 0, 12), 12, 2),
        ("2", datetime(2024, 3, 5, 9, 5), None, 30, 3),
    ]


def test_excel_cells_are_read_as_text_the_way_openpyxl_read_them(tmp_path: Path) -> None:
    """The sheet from its cell A1 (row n is line n, column A is the first field), a date
    cell as a date and time (midnight included), times, durations and fractions of a
    second as Python writes them, trailing empty cells dropped (D211)."""
    openpyxl = pytest.importorskip("openpyxl")
    from orchestration.ingest.mapping import excel_to_csv

    book = openpyxl.Workbook()
    ws = book.active
    ws["C3"], ws["D3"] = "a", "b"
    ws["C4"], ws["D4"] = date(2024, 1, 2), 1.25
    ws["D6"] = timedelta(hours=30)
    ws["C7"], ws["E7"] = datetime(2024, 1, 2, 3, 4, 5, 600000), None
    ws["C8"], ws["D8"] = datetime(2024, 1, 2, 9, 30).time(), True
    book.save(tmp_path / "book.xlsx")
    note = excel_to_csv(tmp_path / "book.xlsx", tmp_path / "book.csv", None)
    assert note == "sheet 'Sheet'"
    assert (tmp_path / "book.csv").read_text(encoding="utf-8").splitlines() == [
        "",
        "",
        ",,a,b",
        ",,2024-01-02 00:00:00,1.25",
        "",
        ',,,"1 day, 6:00:00"',
        ",,2024-01-02 03:04:05.600000,",
        ",,09:30:00,true",
    ]


def test_json_mapping_with_paths(con, landing: Path) -> None:
    records = [
        {"id": "x1", "queue": {"name": "Web"}, "times": {"in": "2024-03-05T09:00:00Z",
         "answer": "2024-03-05T09:00:30Z"}, "status": "served"},
        {"id": "x2", "queue": {"name": "Web"}, "times": {"in": "2024-03-05T09:10:00Z"},
         "status": "gone"},
        {"id": "x3", "queue": {"name": "Web"}, "times": {"in": "2024-03-05T09:20:00Z"},
         "status": "served"},
    ]  # fmt: skip
    write(landing, "mapped/chat/export.json", json.dumps(records))
    write(
        landing,
        "mapped/chat/mapping.yml",
        """\
reader: {format: json}
columns: {id: $.id, queue_name: $.queue.name, came: $.times.in, answer: $.times.answer,
          status: $.status}
timestamps: utc
contact:
  contact_id: id
  channel: "'chat'"
  queue: queue_name
  queued_at: came::TIMESTAMPTZ AT TIME ZONE 'UTC'
  answered_at: answer::TIMESTAMPTZ AT TIME ZONE 'UTC'
  outcome: CASE status WHEN 'served' THEN 'answered' ELSE 'abandoned' END
""",
    )
    (result,) = load_source(con, landing, "mapped_contacts")
    assert (result.status, result.rows_in, result.rows_loaded) == ("loaded", 3, 3), result.message
    rows = con.execute(
        "SELECT contact_id, channel, queued_at, answered_at, outcome, _row_number, "
        "json_extract_string(source_record, '$.status') FROM raw_mapped.contacts ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("x1", "chat", datetime(2024, 3, 5, 9), datetime(2024, 3, 5, 9, 0, 30), "answered", 1,
         "served"),
        ("x2", "chat", datetime(2024, 3, 5, 9, 10), None, "abandoned", 2, "gone"),
        ("x3", "chat", datetime(2024, 3, 5, 9, 20), None, "answered", 3, "served"),
    ]  # fmt: skip


def test_a_file_that_is_not_a_workbook_fails_alone(con, landing: Path) -> None:
    mapping = "reader: {format: excel}\ncolumns: [a]\ncontact: {contact_id: a, outcome: a}\n"
    write(landing, "mapped/xl/mapping.yml", mapping)
    write(landing, "mapped/xl/notes.xlsx", "this is text, not a workbook\n")
    (result,) = load_source(con, landing, "mapped_contacts")
    assert result.status == "failed"
    assert result.message.startswith("mapped/xl/notes.xlsx: not an Excel .xlsx workbook: "), (
        result.message
    )


def test_a_file_outside_a_source_folder_is_reported(con, landing: Path) -> None:
    write(landing, "mapped/calls.csv", "a\n1\n")
    (result,) = load_source(con, landing, "mapped_contacts")
    assert (result.status, result.message) == (
        "failed",
        "mapped/calls.csv: mapped files must be in landing/mapped/<name>/ (one folder per "
        "source, its mapping.yml beside the files)",
    )
