"""Great Expectations suites on the raw tables: pass on good rows, unexpected counts on bad.

The bad files are loaded with `contract=False` (the suites are what is tested here; a file
that breaks its contract is rejected by the pipeline: tests/test_ingest_contracts.py). Rows
that ingestion itself quarantines (an empty event, impossible CDR durations) never reach the
suites.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import connect, load_source, validate_raw

GOOD_QUEUE_LOG = (
    "1706360000|NONE|NONE|NONE|QUEUESTART|\n"
    "1706360100|1706360100.1|support|NONE|ENTERQUEUE||5551234|1\n"
    "1706360105|1706360100.1|support|Agent/1001|CONNECT|5|1706360101.2|3\n"
    "1706360200|1706360100.1|support|Agent/1001|COMPLETECALLER|5|95|1\n"
)
# lower-case event, an event in 1999, one far in the future, an empty callid, no event at all
# (quarantined by ingestion: field 'event' is empty)
BAD_QUEUE_LOG = (
    "1706360100|c9|support|NONE|enterqueue||5551234|1\n"
    "915148800|c9|support|NONE|ENTERQUEUE||5551234|1\n"
    "4102444800|c9|support|NONE|ENTERQUEUE||5551234|1\n"
    "1706360100||support|NONE|ENTERQUEUE||5551234|1\n"
    "1706360100|c9|support|NONE||||\n"
)


def cdr_row(start: str, answer: str, duration: str, billsec: str, disposition: str) -> str:
    return (
        f'"","5551000","200","from-pstn","""C"" <5551000>","SIP/t-01","SIP/200-02","Dial",'
        f'"SIP/200","{start}","{answer}","2024-01-27 10:01:05",{duration},{billsec},'
        f'"{disposition}","DOCUMENTATION","1706349600.1","","","1706349600.1",1\n'
    )


GOOD_CDR = cdr_row("2024-01-27 10:00:00", "2024-01-27 10:00:05", "65", "60", "ANSWERED") + cdr_row(
    "2024-01-27 10:00:00", "", "65", "0", "NO ANSWER"
)
BAD_CDR = (
    cdr_row("2024-01-27 10:00:00", "2024-01-27 10:00:05", "65", "70", "ANSWERED")  # billsec > dur
    + cdr_row("2024-01-27 10:00:00", "", "-3", "0", "NO ANSWER")  # negative duration
    + cdr_row("2024-01-27 10:00:00", "", "5", "0", "HUNG UP")  # unknown disposition
    + cdr_row("", "", "5", "0", "")  # no start, no disposition
)


def write(landing: Path, rel: str, text: str) -> None:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "wh.duckdb")
    landing = tmp_path / "landing"
    write(landing, "asterisk/queue_log/good", GOOD_QUEUE_LOG)
    write(landing, "asterisk/queue_log/bad", BAD_QUEUE_LOG)
    write(landing, "asterisk/cdr/good.csv", GOOD_CDR)
    write(landing, "asterisk/cdr/bad.csv", BAD_CDR)
    write(
        landing,
        "roster/agents.csv",
        "agent_id,agent_name,team,site_id,role,hire_date,leave_date\n"
        "Agent/1001,Ann,A,hq,agent,2023-01-02,\n"
        "Agent/1001,Ann again,A,hq,agent,2023-01-02,2022-12-31\n",
    )
    quarantined = {"asterisk/queue_log/bad": 1, "asterisk/cdr/bad.csv": 2}
    for source in ("asterisk_queue_log", "asterisk_cdr", "roster_agents"):
        results = load_source(connection, landing, source, contract=False)
        for r in results:
            assert r.status == "loaded", r
            assert r.rows_quarantined == quarantined.get(r.file_name, 0), r
    yield connection
    connection.close()


def unexpected(result, expectation: str, column: str) -> int | None:
    for r in result.results:
        if r["expectation"] == expectation and r["column"] == column:
            return r["unexpected_count"]
    raise AssertionError(f"{expectation} on {column} not in the suite")


def test_queue_log_suite_passes_on_good_rows(con) -> None:
    result = validate_raw(con, "asterisk_queue_log", ["asterisk/queue_log/good"])
    assert result.success, result.failures
    assert result.row_count == 4
    assert result.statistics["unsuccessful_expectations"] == 0
    json.dumps(result.to_dict())  # JSON-able for asset-check metadata


def test_queue_log_suite_reports_unexpected_counts(con) -> None:
    result = validate_raw(con, "asterisk_queue_log", ["asterisk/queue_log/bad"])
    assert not result.success
    assert result.row_count == 4
    assert unexpected(result, "expect_column_values_to_match_regex", "event") == 1
    assert unexpected(result, "expect_column_values_to_not_be_null", "event") == 0
    assert unexpected(result, "expect_column_values_to_not_be_null", "callid") == 1
    assert unexpected(result, "expect_column_values_to_not_be_null", "event_at") == 0
    assert unexpected(result, "expect_column_values_to_be_between", "event_at") == 2
    failed = {r["expectation"] + ":" + r["column"] for r in result.failures}
    assert failed == {
        "expect_column_values_to_match_regex:event",
        "expect_column_values_to_not_be_null:callid",
        "expect_column_values_to_be_between:event_at",
    }
    described = result.describe_failures().split("; ")
    assert "expect_column_values_to_not_be_null(callid): 1 of 4 row(s) unexpected" in described
    assert (
        "expect_column_values_to_match_regex(event): 1 of 4 row(s) unexpected, e.g. 'enterqueue'"
        in described
    )
    # all files together fail too; the whole table is the default
    assert validate_raw(con, "asterisk_queue_log").row_count == 8


def test_cdr_suite(con) -> None:
    good = validate_raw(con, "asterisk_cdr", ["asterisk/cdr/good.csv"])
    assert good.success, good.failures
    bad = validate_raw(con, "asterisk_cdr", ["asterisk/cdr/bad.csv"])
    assert not bad.success
    assert unexpected(bad, "expect_column_values_to_not_be_null", "call_start") == 1
    assert unexpected(bad, "expect_column_values_to_not_be_null", "disposition") == 1
    assert unexpected(bad, "expect_column_values_to_be_in_set", "disposition") == 1
    # billsec > duration and a negative duration never get here: ingestion quarantines them
    assert unexpected(bad, "expect_column_values_to_be_between", "duration") == 0
    assert (
        unexpected(bad, "expect_column_pair_values_a_to_be_greater_than_b", "duration, billsec")
        == 0
    )
    assert bad.row_count == 2
    json.dumps(bad.to_dict())


def test_roster_suite(con) -> None:
    result = validate_raw(con, "roster_agents")
    assert not result.success
    assert unexpected(result, "expect_column_values_to_be_unique", "agent_id") == 2
    assert (
        unexpected(
            result, "expect_column_pair_values_a_to_be_greater_than_b", "leave_date, hire_date"
        )
        == 1
    )


def test_unknown_source_is_an_error(con) -> None:
    with pytest.raises(ValueError, match="unknown source"):
        validate_raw(con, "genesys")
