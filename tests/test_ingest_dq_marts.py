"""Defects through dbt: the models build on what ingestion loaded, and the data-quality marts
(models/marts/ops) publish every file load, its reconciliation and its quarantined lines.

One small landing folder with defect-catalog files (tests/defects.py) is ingested and built
with `dbt build` (every model and test) once for the module:
- a queue_log whose events are out of time order, and the same file under another name:
  fct_contacts has the call once, sessionized in time order;
- a CDR with local times in the repeated autumn hour: staging's UTC (DECISIONS.md D4);
- a CDR rejected by its contract: none of its rows reaches staging;
- a file delivered twice (the second replaces the first) and a file with several defects.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from defects import CASES, COMPLETE, CONNECT, ENTER, cdr, roster

from orchestration.dbt_cli import run_dbt
from orchestration.ingest import connect, load_source

AUTUMN = next(c for c in CASES if c.name == "cdr_autumn_clock_change").content
MEMBERS = (
    b"1706360000|NONE|support|Agent/1001|ADDMEMBER|\n"
    b"1706367200|NONE|support|Agent/1001|REMOVEMEMBER|\n"
)
DEFECTS = (
    ENTER.replace(b"c1", b"c9")  # loaded
    + b"\n"  # blank
    + b"1706360105|c9|support|Agent/1001|CONNECT|5\x00|c9.2|3\n"  # NUL
    + b"1706360106;c9;support;Agent/1001;RINGNOANSWER;1000\n"  # separator
    + b"1706360107|c9|support\n"  # field count
    + b"1706360200|c9|support|Agent/1001|COMPLETECALLER|5|9"  # truncated
)


def put(landing: Path, rel: str, data: bytes) -> None:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dq")
    landing, path = root / "landing", root / "warehouse" / "ccwh.duckdb"
    files = {
        "asterisk/queue_log/queue_log-20240127": COMPLETE + ENTER + CONNECT,
        "asterisk/queue_log/queue_log-20240127.copy": COMPLETE + ENTER + CONNECT,
        "asterisk/queue_log/members-20240127": MEMBERS,
        "asterisk/queue_log/defects-20240127": DEFECTS,
        "asterisk/cdr/Master-20241027.csv": AUTUMN,
        "asterisk/cdr/Master-20240128.csv": cdr(disposition=b"HUNG UP", uniqueid=b"9.9"),
        "roster/agents.csv": roster(1),
    }
    for rel, data in files.items():
        put(landing, rel, data)
    con = connect(path)
    try:
        for source in ("asterisk_queue_log", "asterisk_cdr", "roster_agents"):
            load_source(con, landing, source)
        put(landing, "roster/agents.csv", roster(2))  # a second version replaces the first
        (replaced,) = load_source(con, landing, "roster_agents")
        assert replaced.status == "replaced"
    finally:
        con.close()
    run_dbt(["build", "--quiet"], warehouse_path=path, target_path=root / "target", quiet=True)
    return path


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_out_of_order_and_duplicated_events_make_one_call(warehouse: Path) -> None:
    assert query(
        warehouse,
        "SELECT call_id, outcome, queue_entered_at, answered_at, ended_at, wait_seconds, "
        "talk_seconds, agent_id FROM marts.fct_contacts WHERE call_id = 'c1'",
    ) == [
        ("c1", "answered", datetime(2024, 1, 27, 12, 55), datetime(2024, 1, 27, 12, 55, 5),
         datetime(2024, 1, 27, 12, 56, 40), 5, 95, "Agent/1001"),
    ]  # fmt: skip
    # staging keeps one copy of each event, from the file loaded first, with its line
    assert query(
        warehouse,
        "SELECT event_type, _file_name, _row_number FROM staging.stg_asterisk__queue_log_events "
        "WHERE call_id = 'c1' ORDER BY event_at",
    ) == [
        ("ENTERQUEUE", "asterisk/queue_log/queue_log-20240127", 2),
        ("CONNECT", "asterisk/queue_log/queue_log-20240127", 3),
        ("COMPLETECALLER", "asterisk/queue_log/queue_log-20240127", 1),
    ]


def test_cdr_times_in_the_repeated_autumn_hour(warehouse: Path) -> None:
    """Local 02:30 on 27 Oct 2024 (Europe/Madrid) happened twice; staging tells the two calls
    apart by their uniqueid epochs (00:30 and 01:30 UTC), and a call from 01:59 to 02:00:05
    (first occurrence) ends at 00:00:05 UTC, 65 s after it started (DECISIONS.md D50)."""
    assert query(
        warehouse,
        "SELECT uniqueid, started_at, ended_at, duration_seconds, source_time_zone "
        "FROM staging.stg_asterisk__cdrs WHERE started_at < '2024-11-01' ORDER BY _row_number",
    ) == [
        ("1729989000.1", datetime(2024, 10, 27, 0, 30), datetime(2024, 10, 27, 0, 31, 5), 65,
         "Europe/Madrid"),
        ("1729992600.2", datetime(2024, 10, 27, 1, 30), datetime(2024, 10, 27, 1, 31, 5), 65,
         "Europe/Madrid"),
        ("1729987140.3", datetime(2024, 10, 26, 23, 59), datetime(2024, 10, 27, 0, 0, 5), 65,
         "Europe/Madrid"),
    ]  # fmt: skip


def test_a_rejected_file_does_not_reach_the_models(warehouse: Path) -> None:
    assert query(
        warehouse, "SELECT count(*) FROM staging.stg_asterisk__cdrs WHERE uniqueid = '9.9'"
    ) == [(0,)]


def test_dq_file_loads(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "SELECT file_name, status, is_current_version, rows_in, rows_loaded, rows_quarantined, "
        "rows_in_raw_table, rows_in_quarantine, is_reconciled FROM marts.dq_file_loads "
        "ORDER BY file_name, loaded_at",
    )
    assert rows == [
        ("asterisk/cdr/Master-20240128.csv", "rejected", True, 1, 0, 1, 0, 1, True),
        ("asterisk/cdr/Master-20241027.csv", "loaded", True, 3, 3, 0, 3, 0, True),
        ("asterisk/queue_log/defects-20240127", "loaded", True, 6, 1, 5, 1, 5, True),
        ("asterisk/queue_log/members-20240127", "loaded", True, 2, 2, 0, 2, 0, True),
        ("asterisk/queue_log/queue_log-20240127", "loaded", True, 3, 3, 0, 3, 0, True),
        ("asterisk/queue_log/queue_log-20240127.copy", "loaded", True, 3, 3, 0, 3, 0, True),
        ("roster/agents.csv", "loaded", False, 1, 1, 0, None, None, True),
        ("roster/agents.csv", "replaced", True, 2, 2, 0, 2, 0, True),
    ]


def test_dq_quarantine_reasons(warehouse: Path) -> None:
    assert query(
        warehouse,
        "SELECT file_name, source, file_status, reason_class, rows_quarantined, "
        "first_line_number, last_line_number FROM marts.dq_quarantine_reasons "
        "ORDER BY file_name, first_line_number",
    ) == [
        ("asterisk/cdr/Master-20240128.csv", "asterisk_cdr", "rejected", "contract_rejected",
         1, 1, 1),
        ("asterisk/queue_log/defects-20240127", "asterisk_queue_log", "loaded", "blank_line",
         1, 2, 2),
        ("asterisk/queue_log/defects-20240127", "asterisk_queue_log", "loaded", "nul_bytes",
         1, 3, 3),
        ("asterisk/queue_log/defects-20240127", "asterisk_queue_log", "loaded",
         "wrong_separator", 1, 4, 4),
        ("asterisk/queue_log/defects-20240127", "asterisk_queue_log", "loaded", "field_count",
         1, 5, 5),
        ("asterisk/queue_log/defects-20240127", "asterisk_queue_log", "loaded",
         "truncated_line", 1, 6, 6),
    ]  # fmt: skip


def test_dq_source_freshness(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "SELECT source, current_files, rejected_files, failed_files, rows_loaded, "
        "rows_quarantined, latest_event_at, load_delay_seconds = date_diff('second', "
        "latest_event_at, latest_file_loaded_at), event_lag_seconds = date_diff('second', "
        "latest_event_at, as_of_at), file_lag_seconds = date_diff('second', "
        "latest_file_loaded_at, as_of_at), as_of_at = (SELECT max(loaded_at) FROM "
        "marts.dq_file_loads) FROM marts.dq_source_freshness ORDER BY source",
    )
    assert rows == [
        ("asterisk_cdr", 1, 1, 0, 3, 1, datetime(2024, 10, 27, 1, 30), True, True, True, True),
        (
            "asterisk_queue_log",
            4,
            0,
            0,
            9,
            5,
            datetime(2024, 1, 27, 14, 53, 20),
            True,
            True,
            True,
            True,
        ),
        ("roster_agents", 1, 0, 0, 2, 0, None, None, None, True, True),
    ]


def test_the_reconciliation_covers_every_raw_table():
    """macros/generated/raw_tables.sql lists every raw table the ingestion writes (regenerate
    with `python -m orchestration.ingest.dbt_sources` after declaring a source)."""
    from orchestration.ingest.dbt_sources import MACRO_PATH, render_raw_tables_macro

    assert MACRO_PATH.read_text(encoding="utf-8") == render_raw_tables_macro(), (
        "macros/generated/raw_tables.sql is out of date: run "
        ".venv/bin/python -m orchestration.ingest.dbt_sources"
    )
