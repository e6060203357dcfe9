"""Ingestion: every line loaded or quarantined, lineage, ledger statuses, real extracts.

Synthetic files are written to tmp_path by the tests themselves; the real extracts are read from
../shared/data (skipped when that folder is absent).
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import FileResult, ingest_landing, load_source
from tests.conftest import write_landing_file as write

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PBXWARE_QUEUE_LOG = SHARED_DATA / "pbxware" / "queue_log.csv"
MASTER_CSV = SHARED_DATA / "asterisk_cdr" / "Master.csv"

needs_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="real extracts in ../shared/data are not available"
)

QUEUE_LOG_FILE = (
    "1706360000|NONE|NONE|NONE|QUEUESTART|\n"
    "1706360100|1706360100.1|support|NONE|ENTERQUEUE||5551234|1\n"
    "abc|1706360100.1|support|NONE|RINGNOANSWER|1000\n"
    "1706360105|1706360100.1|support|Agent/1001|CONNECT|5|1706360101.2|3\n"
    "\n"
    "1706360110|1706360100.1|support\n"
    "1706360200|1706360100.1|support|Agent/1001|COMPLETECALLER|5|95|1\n"
)

CDR_HEADER_18 = (
    "accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,end,"
    "duration,billsec,disposition,amaflags,uniqueid,userfield\n"
)
CDR_ROW_18 = (
    '"","5551000","200","from-pstn","""Caller"" <5551000>","SIP/trunk-01","SIP/200-02",'
    '"Dial","SIP/200,30,t","2024-01-27 10:00:00","2024-01-27 10:00:05","2024-01-27 10:01:05",'
    '65,60,"ANSWERED","DOCUMENTATION","1706349600.1",""\n'
)


def one(results: list[FileResult]) -> FileResult:
    assert len(results) == 1, results
    return results[0]


def quarantine(con: duckdb.DuckDBPyConnection, file_name: str) -> list[tuple[int, str, str]]:
    return con.execute(
        "SELECT line_number, raw_line, reason FROM raw_ingest.quarantine "
        "WHERE file_name = ? ORDER BY line_number",
        [file_name],
    ).fetchall()


def assert_reconciles(con: duckdb.DuckDBPyConnection) -> None:
    """Each file's latest successful ledger row matches the rows actually stored."""
    rows = con.execute(
        """
        WITH latest AS (
            SELECT * FROM raw_ingest.file_ledger WHERE status IN ('loaded', 'replaced')
            QUALIFY row_number() OVER (PARTITION BY file_name ORDER BY loaded_at DESC) = 1
        ),
        raw AS (
            SELECT _file_name AS file_name, count(*) AS n FROM (
                SELECT _file_name FROM raw_asterisk.queue_log
                UNION ALL SELECT _file_name FROM raw_asterisk.cdr
                UNION ALL SELECT _file_name FROM raw_roster.agents) GROUP BY 1
        ),
        q AS (SELECT file_name, count(*) AS n FROM raw_ingest.quarantine GROUP BY 1)
        SELECT l.file_name, l.rows_in, l.rows_loaded, l.rows_quarantined,
               coalesce(raw.n, 0), coalesce(q.n, 0)
        FROM latest AS l LEFT JOIN raw USING (file_name) LEFT JOIN q USING (file_name)
        """
    ).fetchall()
    for name, rows_in, loaded, quarantined, raw_n, q_n in rows:
        assert rows_in == loaded + quarantined, name
        assert (loaded, quarantined) == (raw_n, q_n), name


# --- real extracts -------------------------------------------------------------------------


@needs_shared
def test_pbxware_realtime_queue_log_loads_every_line(con, landing: Path) -> None:
    path = write(landing, "asterisk/queue_log/queue_log.csv", PBXWARE_QUEUE_LOG.read_bytes())
    with PBXWARE_QUEUE_LOG.open(newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    physical_lines = len(PBXWARE_QUEUE_LOG.read_bytes().splitlines())
    assert physical_lines == len(records) + 1 == 1001  # header + 1000 rows

    result = one(load_source(con, landing, "asterisk_queue_log"))
    assert result.status == "loaded", result.message
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (1000, 1000, 0)
    assert result.size_bytes == path.stat().st_size
    assert result.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    loaded = dict(
        con.execute("SELECT event, count(*) FROM raw_asterisk.queue_log GROUP BY 1").fetchall()
    )
    assert loaded == Counter(r["event"] for r in records)
    assert loaded["RINGNOANSWER"] == 360 and loaded["ENTERQUEUE"] == 108

    # htime/ttime, uid, the local time column and the agent ('type') kept as exported
    assert con.execute(
        "SELECT sum(htime), sum(ttime), count(DISTINCT source_uid), count(source_local_time), "
        "count(*) FILTER (WHERE source_format <> 'realtime_table') FROM raw_asterisk.queue_log"
    ).fetchone() == (
        sum(int(r["htime"]) for r in records),
        sum(int(r["ttime"]) for r in records),
        1000,
        1000,
        0,
    )
    row = con.execute(
        "SELECT event_epoch, event_at, callid, queuename, agent, event, data1, data2, data3, "
        "entpos, expos, htime, ttime, source_local_time, _row_number "
        "FROM raw_asterisk.queue_log WHERE source_uid = 19"
    ).fetchone()
    assert row == (
        1543602753, datetime(2018, 11, 30, 18, 32, 33), "1543602660.197", "IT", "Agent/1127",
        "CONNECT", None, "1543602746.232", "6", 0, 0, 76, 0, "2018-11-30 13:32:34", 20,
    )  # fmt: skip
    # event_at is the UTC epoch; the `time` column is the PBX's local clock (UTC-5)
    first = con.execute(
        "SELECT event_at, source_local_time, _row_number FROM raw_asterisk.queue_log "
        "WHERE source_uid = 1"
    ).fetchone()
    assert first == (datetime(2018, 11, 29, 21, 34, 49), "2018-11-29 16:34:49", 2)
    assert_reconciles(con)


@needs_shared
def test_master_csv_loads_all_84_rows_despite_invalid_utf8(con, landing: Path) -> None:
    data = MASTER_CSV.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    write(landing, "asterisk/cdr/Master.csv", data)

    result = one(load_source(con, landing, "asterisk_cdr"))
    assert result.status == "loaded", result.message
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (84, 84, 0)
    assert "not valid UTF-8" in result.message and "latin-1" in result.message
    assert "41, 42, 43, 44, 69, 70, 79, 80" in result.message

    assert con.execute(
        "SELECT count(*), count(DISTINCT _row_number), min(_row_number), max(_row_number), "
        "min(column_count), max(column_count) FROM raw_asterisk.cdr"
    ).fetchone() == (84, 84, 1, 84, 21, 21)
    # the invalid bytes are kept (latin-1), the valid rest of the field is unchanged
    clid = con.execute("SELECT clid FROM raw_asterisk.cdr WHERE _row_number = 41").fetchone()[0]
    raw_clid = data.splitlines()[40].split(b",")[4][1:-1].replace(b'""', b'"')
    assert clid.encode("latin-1") == raw_clid
    # local timestamps exactly as written; empty answer -> NULL
    assert con.execute(
        "SELECT call_start, call_answer, call_end, duration, billsec, disposition, linkedid, "
        "sequence FROM raw_asterisk.cdr WHERE _row_number = 41"
    ).fetchone() == (
        datetime(2024, 1, 28, 4, 10, 46), None, datetime(2024, 1, 28, 4, 10, 52), 5, 0,
        "NO ANSWER", "1706415046.98", 79,
    )  # fmt: skip
    assert_reconciles(con)


# --- queue_log file format -----------------------------------------------------------------


def test_file_format_queue_log_quarantines_bad_lines_with_reasons(con, landing: Path) -> None:
    write(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG_FILE)
    result = one(load_source(con, landing, "asterisk_queue_log"))
    assert result.status == "loaded", result.message
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (7, 4, 3)

    assert quarantine(con, "asterisk/queue_log/queue_log-20240127") == [
        (
            3,
            "abc|1706360100.1|support|NONE|RINGNOANSWER|1000",
            "line 3: field 'epoch' is not an integer: 'abc'",
        ),
        (5, "", "line 5: blank line"),
        (
            6,
            "1706360110|1706360100.1|support",
            "line 6: expected 5 to 10 '|'-separated fields "
            "(epoch|callid|queue|agent|event|data1..5), found 3",
        ),
    ]
    rows = con.execute(
        "SELECT _row_number, event_epoch, event_at, callid, queuename, agent, event, "
        "data1, data2, data3, data4, data5, source_uid, htime, source_format "
        "FROM raw_asterisk.queue_log ORDER BY _row_number"
    ).fetchall()
    assert rows[0] == (
        1, 1706360000, datetime(2024, 1, 27, 12, 53, 20), "NONE", "NONE", "NONE", "QUEUESTART",
        None, None, None, None, None, None, None, "file",
    )  # fmt: skip
    assert [r[0] for r in rows] == [1, 2, 4, 7]
    assert rows[1][6:10] == ("ENTERQUEUE", None, "5551234", "1")
    assert rows[2][6:10] == ("CONNECT", "5", "1706360101.2", "3")
    assert_reconciles(con)


def test_queue_log_more_problems(con, landing: Path) -> None:
    """Too many fields, an epoch out of range, CRLF endings, an empty epoch (quarantined: an
    event without a time cannot be placed, and raw event_at is not null for dbt)."""
    text = (
        "1706360000|c1|q|a|ENTERQUEUE||555|1\r\n"
        "1706360001|c1|q|a|X|1|2|3|4|5|6|7|8|9|10|11|12|13\r\n"
        "99999999999999|c1|q|a|ABANDON|1|1|5\r\n"
        "|c1|q|a|ABANDON|1|1|5\r\n"
        "1706360002|c1|q|a|AGENTDUMP\r\n"
    )
    write(landing, "asterisk/queue_log/queue_log", text)
    result = one(load_source(con, landing, "asterisk_queue_log"))
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (5, 2, 3)
    reasons = [r[2] for r in quarantine(con, "asterisk/queue_log/queue_log")]
    assert reasons == [
        "line 2: expected 5 to 10 '|'-separated fields (epoch|callid|queue|agent|event|data1..5),"
        " found more than 12",
        "line 3: field 'epoch' is out of range for a Unix time: '99999999999999'",
        "line 4: field 'epoch' is empty: an event without a time cannot be placed",
    ]
    assert con.execute(
        "SELECT _row_number, event_at, event, data3 FROM raw_asterisk.queue_log ORDER BY 1"
    ).fetchall() == [
        (1, datetime(2024, 1, 27, 12, 53, 20), "ENTERQUEUE", "1"),
        (5, datetime(2024, 1, 27, 12, 53, 22), "AGENTDUMP", None),
    ]


def test_asterisk_realtime_table_epoch_or_utc_timestamp(con, landing: Path) -> None:
    text = (
        "time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
        "1706360100,c1,support,NONE,ENTERQUEUE,,5551234,1,,\n"
        "2024-01-27 13:55:05,c1,support,Agent/1001,CONNECT,5,c1.2,3,,\n"
        "2024-01-27 13:56:45.250,c1,support,Agent/1001,COMPLETECALLER,5,95,1,,\n"
        "yesterday,c1,support,Agent/1001,COMPLETECALLER,5,95,1,,\n"
        "1706360400,c1,support,Agent/1001,PAUSE,,,\n"
    )
    write(landing, "asterisk/queue_log/export.csv", text)
    result = one(load_source(con, landing, "asterisk_queue_log"))
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (5, 3, 2)
    assert "Asterisk columns" in result.message
    assert [r[2] for r in quarantine(con, "asterisk/queue_log/export.csv")] == [
        "line 5: field 'time' is neither a Unix time nor a UTC timestamp "
        "'YYYY-MM-DD HH:MM:SS': 'yesterday'",
        "line 6: expected 10 fields as in the header, found 8",
    ]
    assert con.execute(
        "SELECT _row_number, event_epoch, event_at, event, data2, source_uid, source_local_time, "
        "source_format FROM raw_asterisk.queue_log ORDER BY 1"
    ).fetchall() == [
        (2, 1706360100, datetime(2024, 1, 27, 12, 55), "ENTERQUEUE", "5551234", None, None,
         "realtime_table"),
        (3, 1706363705, datetime(2024, 1, 27, 13, 55, 5), "CONNECT", "c1.2", None, None,
         "realtime_table"),
        (4, 1706363805, datetime(2024, 1, 27, 13, 56, 45), "COMPLETECALLER", "95", None, None,
         "realtime_table"),
    ]  # fmt: skip


# --- cdr_csv -------------------------------------------------------------------------------


def test_cdr_18_columns_with_header_and_bad_lines(con, landing: Path) -> None:
    unbalanced = CDR_ROW_18.replace('"""Caller""', '"""Caller"')
    bad_time = CDR_ROW_18.replace('"2024-01-27 10:01:05"', '"27/01/2024 10:01"')
    text = (
        CDR_HEADER_18
        + CDR_ROW_18
        + CDR_ROW_18.replace(',""\n', ',"","extra"\n')
        + unbalanced
        + bad_time
        + CDR_ROW_18.replace("65,60", "abc,60")
        + CDR_ROW_18.replace('"2024-01-27 10:00:05"', '""').replace("65,60", "65,0")
    )
    write(landing, "asterisk/cdr/Master-20240127.csv", text)
    result = one(load_source(con, landing, "asterisk_cdr"))
    assert "header line skipped" in result.message
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (6, 2, 4)
    q = quarantine(con, "asterisk/cdr/Master-20240127.csv")
    assert [(n, reason) for n, _, reason in q] == [
        (3, "line 3: expected 18 or 21 fields (Asterisk cdr_csv), found 19"),
        (4, "line 4: unbalanced double quotes: a quoted field is not closed on this line"),
        (5, "line 5: field 'end' is not a timestamp 'YYYY-MM-DD HH:MM:SS': '27/01/2024 10:01'"),
        (6, "line 6: field 'duration' is not an integer: 'abc'"),
    ]
    assert q[1][1] == unbalanced.rstrip("\n")
    assert con.execute(
        "SELECT _row_number, clid, lastdata, call_start, call_answer, duration, billsec, "
        "column_count, peeraccount, linkedid, sequence, accountcode "
        "FROM raw_asterisk.cdr ORDER BY 1"
    ).fetchall() == [
        (2, '"Caller" <5551000>', "SIP/200,30,t", datetime(2024, 1, 27, 10), 
         datetime(2024, 1, 27, 10, 0, 5), 65, 60, 18, None, None, None, None),
        (7, '"Caller" <5551000>', "SIP/200,30,t", datetime(2024, 1, 27, 10), None, 65, 0, 18,
         None, None, None, None),
    ]  # fmt: skip
    assert_reconciles(con)


# --- ledger: once, replaced, failed ----------------------------------------------------------


def table_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    return con.execute(
        "SELECT (SELECT count(*) FROM raw_asterisk.queue_log), "
        "(SELECT count(*) FROM raw_asterisk.cdr), (SELECT count(*) FROM raw_roster.agents), "
        "(SELECT count(*) FROM raw_ingest.quarantine), "
        "(SELECT count(*) FROM raw_ingest.file_ledger)"
    ).fetchone()


def test_loading_twice_changes_nothing(tmp_path: Path, landing: Path) -> None:
    write(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG_FILE)
    write(landing, "asterisk/cdr/Master-20240127.csv", CDR_ROW_18 * 3)
    warehouse = tmp_path / "wh.duckdb"
    first = ingest_landing(warehouse, landing)
    assert [r.status for r in first] == ["loaded", "loaded"]
    with duckdb.connect(str(warehouse)) as c:
        before = table_counts(c)
        loaded_at = c.execute("SELECT max(_loaded_at) FROM raw_asterisk.queue_log").fetchone()

    second = ingest_landing(warehouse, landing)
    assert [r.status for r in second] == ["unchanged", "unchanged"]
    assert [(r.rows_in, r.rows_loaded, r.rows_quarantined) for r in second] == [
        (r.rows_in, r.rows_loaded, r.rows_quarantined) for r in first
    ]
    with duckdb.connect(str(warehouse)) as c:
        assert table_counts(c) == before
        assert c.execute("SELECT max(_loaded_at) FROM raw_asterisk.queue_log").fetchone() == (
            loaded_at
        )


def _count_reads(monkeypatch) -> list[str]:
    """The names of the files the ingestion reads to hash them, from now on."""
    from orchestration.ingest import pipeline

    reads: list[str] = []
    real_scan = pipeline.scan_file

    def scan(path: Path):
        reads.append(path.name)
        return real_scan(path)

    monkeypatch.setattr(pipeline, "scan_file", scan)
    return reads


def test_a_settled_file_whose_stat_is_unchanged_is_not_read_again(
    tmp_path: Path, landing: Path, monkeypatch
) -> None:
    """D214: the sha256 of a file is remembered with its size, times and inode; a later pass
    that finds the same stat knows the file without reading it, and any rewrite is read."""
    import os

    from orchestration.ingest import files

    monkeypatch.setattr(files, "SETTLE_NS", 0)  # the files below count as settled at once
    queue_log = write(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG_FILE)
    cdr = write(landing, "asterisk/cdr/Master-20240127.csv", CDR_ROW_18 * 3)
    warehouse = tmp_path / "wh.duckdb"
    reads = _count_reads(monkeypatch)
    assert [r.status for r in ingest_landing(warehouse, landing)] == ["loaded", "loaded"]
    assert sorted(reads) == ["Master-20240127.csv", "queue_log-20240127"]
    with duckdb.connect(str(warehouse)) as c:
        assert c.execute(
            "SELECT s.file_name, s.size_bytes FROM raw_ingest.file_stats AS s "
            "JOIN raw_ingest.file_ledger AS l USING (file_name, file_sha256) ORDER BY 1"
        ).fetchall() == [
            ("asterisk/cdr/Master-20240127.csv", cdr.stat().st_size),
            ("asterisk/queue_log/queue_log-20240127", queue_log.stat().st_size),
        ]

    reads.clear()
    again = ingest_landing(warehouse, landing)
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert reads == []
    assert again[1].file_sha256 == hashlib.sha256(CDR_ROW_18.encode() * 3).hexdigest()

    # the same size, rewritten in place, its mtime put back (as `cp -p` does): the ctime moved
    before = queue_log.stat()
    edited = QUEUE_LOG_FILE.replace("5551234", "5554321")
    queue_log.write_text(edited, encoding="utf-8", newline="")
    os.utime(queue_log, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert queue_log.stat().st_size == before.st_size
    third = ingest_landing(warehouse, landing)
    assert [r.status for r in third] == ["replaced", "unchanged"]
    assert reads == ["queue_log-20240127"]
    assert third[0].file_sha256 == hashlib.sha256(edited.encode()).hexdigest()


def test_a_file_written_moments_ago_is_read_every_time(tmp_path: Path, landing: Path, monkeypatch):
    """A file whose mtime or ctime is within `files.SETTLE_NS` of the pass may be rewritten in
    the same tick of the filesystem's clock: its stat is not trusted, it is hashed again."""
    write(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG_FILE)
    warehouse = tmp_path / "wh.duckdb"
    ingest_landing(warehouse, landing)
    with duckdb.connect(str(warehouse)) as c:
        assert c.execute("SELECT count(*) FROM raw_ingest.file_stats").fetchone() == (0,)
    reads = _count_reads(monkeypatch)
    assert [r.status for r in ingest_landing(warehouse, landing)] == ["unchanged"]
    assert reads == ["queue_log-20240127"]


def test_a_copy_in_the_same_pass_names_its_twin(con, landing: Path) -> None:
    """The pass's `ledger.History` learns each file it loads: a copy later in the same pass is
    named a twin as it would be in a later pass (D14, D214)."""
    write(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG_FILE)
    write(landing, "asterisk/queue_log/queue_log-20240127.copy", QUEUE_LOG_FILE)
    first, copy = load_source(con, landing, "asterisk_queue_log")
    assert (first.status, copy.status) == ("loaded", "loaded")
    assert "same content" not in first.message
    assert "same content (sha256) as asterisk/queue_log/queue_log-20240127:" in copy.message


def _raw_contents(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every raw table, the ledger and the quarantine, without load times (and
    without the stat cache, which holds the files that had settled, a matter of timing)."""
    when = {"_loaded_at", "loaded_at", "quarantined_at", "recorded_at"}
    with duckdb.connect(str(warehouse), read_only=True) as c:
        tables = c.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema LIKE 'raw%' AND table_name <> 'file_stats' ORDER BY 1"
        ).fetchall()
        contents = {}
        for (table,) in tables:
            described = c.execute(f"SELECT * FROM {table} LIMIT 0").description
            columns = [d[0] for d in described if d[0] not in when]
            listed = ", ".join(f'"{name}"' for name in columns)
            contents[table] = c.execute(f"SELECT {listed} FROM {table} ORDER BY ALL").fetchall()
        return contents


def test_sources_loaded_at_once_give_what_they_give_one_after_another(tmp_path: Path) -> None:
    """D215: `ingest_landing` loads several sources at once on cursors of one connection; the
    results, raw tables, ledger and quarantine are those of loading them one by one."""
    from orchestration.simulator import simulate

    landing = tmp_path / "landing"
    simulate(landing, days=2, agents=6, start=datetime(2026, 3, 2).date(), progress=False)
    day = "asterisk/queue_log/queue_log-20260302"
    write(landing, day + ".copy", (landing / day).read_bytes())  # a twin
    cdr = landing / "asterisk/cdr/Master-20260303.csv"
    write(landing, cdr.relative_to(landing).as_posix(), cdr.read_bytes() + b"not,a,cdr\n")
    one_by_one = ingest_landing(tmp_path / "one.duckdb", landing, workers=1)
    at_once = ingest_landing(tmp_path / "many.duckdb", landing, workers=4)
    assert len({r.source for r in one_by_one}) >= 10
    assert [(r.file_name, r.status, r.rows_in, r.rows_loaded, r.message) for r in at_once] == [
        (r.file_name, r.status, r.rows_in, r.rows_loaded, r.message) for r in one_by_one
    ]
    assert {r.status for r in at_once} == {"loaded"}
    assert any("same content (sha256) as " + day in r.message for r in at_once)
    assert any(r.rows_quarantined for r in at_once)
    assert _raw_contents(tmp_path / "many.duckdb") == _raw_contents(tmp_path / "one.duckdb")


def test_changed_file_replaces_its_earlier_rows(con, landing: Path) -> None:
    name = "asterisk/queue_log/queue_log-20240127"
    path = write(landing, name, QUEUE_LOG_FILE)
    first = one(load_source(con, landing, "asterisk_queue_log"))
    assert first.status == "loaded"

    fixed = QUEUE_LOG_FILE.replace("abc|", "1706360102|").replace("\n\n", "\n")
    fixed += "1706360300|1706360300.9|support|NONE|ENTERQUEUE||5559999|1\n"
    path.write_text(fixed)
    second = one(load_source(con, landing, "asterisk_queue_log"))
    assert second.status == "replaced"
    assert (second.rows_in, second.rows_loaded, second.rows_quarantined) == (7, 6, 1)
    new_sha = hashlib.sha256(fixed.encode()).hexdigest()
    assert con.execute(
        "SELECT count(*), count(DISTINCT _file_sha256), min(_file_sha256) "
        "FROM raw_asterisk.queue_log"
    ).fetchone() == (6, 1, new_sha)
    assert con.execute(
        "SELECT count(*) FROM raw_asterisk.queue_log WHERE callid = '1706360300.9'"
    ).fetchone() == (1,)
    assert [(n, r) for n, _, r in quarantine(con, name)] == [
        (5, "line 5: expected 5 to 10 '|'-separated fields "
            "(epoch|callid|queue|agent|event|data1..5), found 3"),
    ]  # fmt: skip
    assert con.execute(
        "SELECT status, rows_in, rows_loaded, rows_quarantined FROM raw_ingest.file_ledger "
        "ORDER BY loaded_at"
    ).fetchall() == [("loaded", 7, 4, 3), ("replaced", 7, 6, 1)]
    assert_reconciles(con)


def test_a_failed_file_does_not_stop_the_others(con, landing: Path) -> None:
    write(landing, "asterisk/queue_log/a-notes.txt", "hello, this is not a queue_log\n")
    write(landing, "asterisk/queue_log/b-export.csv", "uid,callid,event\n1,c1,ENTERQUEUE\n")
    write(landing, "asterisk/queue_log/c-queue_log", QUEUE_LOG_FILE)
    results = load_source(con, landing, "asterisk_queue_log")
    assert [r.status for r in results] == ["failed", "failed", "loaded"]
    notes, export, good = results
    assert notes.message.startswith("asterisk/queue_log/a-notes.txt: the first line is neither")
    assert "'hello, this is not a queue_log'" in notes.message
    assert export.message.startswith("asterisk/queue_log/b-export.csv: the realtime queue_log")
    assert "lacks column(s) time, queuename, agent" in export.message
    assert good.rows_loaded == 4
    ledger = con.execute(
        "SELECT file_name, status, rows_in, file_sha256 IS NOT NULL FROM raw_ingest.file_ledger "
        "ORDER BY file_name"
    ).fetchall()
    assert [row[:3] for row in ledger] == [
        ("asterisk/queue_log/a-notes.txt", "failed", 0),
        ("asterisk/queue_log/b-export.csv", "failed", 0),
        ("asterisk/queue_log/c-queue_log", "loaded", 7),
    ]
    assert all(row[3] for row in ledger)


def test_a_failed_new_version_keeps_the_earlier_rows(con, landing: Path) -> None:
    path = write(landing, "roster/agents.csv", "agent_id,agent_name,team,site_id,role,"
                 "hire_date,leave_date\nAgent/1001,Ann,A,hq,agent,2023-01-02,\n")  # fmt: skip
    assert one(load_source(con, landing, "roster_agents")).status == "loaded"
    path.write_text("id;name\n1;Ann\n")
    failed = one(load_source(con, landing, "roster_agents"))
    assert failed.status == "failed"
    assert "roster/agents.csv: the roster header lacks column(s) agent_id" in failed.message
    assert "earlier version stay loaded" in failed.message
    assert con.execute("SELECT agent_id FROM raw_roster.agents").fetchall() == [("Agent/1001",)]


def test_unreadable_file_fails_with_its_name(con, landing: Path, monkeypatch) -> None:
    write(landing, "asterisk/cdr/broken.csv", CDR_ROW_18)
    write(landing, "asterisk/cdr/good.csv", CDR_ROW_18)
    from orchestration.ingest import pipeline

    real_scan = pipeline.scan_file

    def scan(path: Path):
        if path.name == "broken.csv":
            raise PermissionError(13, "Permission denied")
        return real_scan(path)

    monkeypatch.setattr(pipeline, "scan_file", scan)
    broken, good = load_source(con, landing, "asterisk_cdr")
    assert (broken.status, broken.message) == (
        "failed",
        "asterisk/cdr/broken.csv: cannot be read: Permission denied",
    )
    assert (good.status, good.rows_loaded) == ("loaded", 1)


# --- roster, lineage, edge cases -----------------------------------------------------------


def test_roster_loads_by_column_name(con, landing: Path) -> None:
    write(
        landing,
        "roster/agents.csv",
        "agent_name,agent_id,team,site_id,role,hire_date,leave_date,notes\n"
        "Ann,Agent/1001,A,hq,agent,2023-01-02,,x\n"
        '"Bob, Jr.",Agent/1002,B,hq,lead,2022-05-01,2024-01-31,\n'
        "Cy,Agent/1003,B,hq,agent,01.02.2023,,\n",
    )
    result = one(load_source(con, landing, "roster_agents"))
    assert "kept in extra_fields: notes" in result.message
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert con.execute(
        "SELECT agent_id, agent_name, role, hire_date::VARCHAR, leave_date::VARCHAR, _row_number "
        "FROM raw_roster.agents ORDER BY 1"
    ).fetchall() == [
        ("Agent/1001", "Ann", "agent", "2023-01-02", None, 2),
        ("Agent/1002", "Bob, Jr.", "lead", "2022-05-01", "2024-01-31", 3),
    ]
    assert quarantine(con, "roster/agents.csv")[0][2] == (
        "line 4: field 'hire_date' is not a date 'YYYY-MM-DD': '01.02.2023'"
    )


def test_lineage_columns_on_every_row(con, landing: Path) -> None:
    path = write(landing, "asterisk/cdr/Master-20240127.csv", CDR_ROW_18 * 2)
    before = datetime.now(UTC).replace(tzinfo=None)
    one(load_source(con, landing, "asterisk_cdr"))
    rows = con.execute(
        "SELECT _file_name, _file_sha256, _row_number, _loaded_at FROM raw_asterisk.cdr "
        "ORDER BY _row_number"
    ).fetchall()
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert [r[:3] for r in rows] == [
        ("asterisk/cdr/Master-20240127.csv", sha, 1),
        ("asterisk/cdr/Master-20240127.csv", sha, 2),
    ]
    assert all(before <= r[3] <= datetime.now(UTC).replace(tzinfo=None) for r in rows)


def test_empty_and_blank_only_files(con, landing: Path) -> None:
    write(landing, "asterisk/queue_log/queue_log-1", "")
    write(landing, "asterisk/queue_log/queue_log-2", "\n  \n")
    empty, blank = load_source(con, landing, "asterisk_queue_log")
    assert (empty.status, empty.rows_in) == ("loaded", 0)
    assert (blank.status, blank.rows_in, blank.rows_quarantined) == ("loaded", 2, 2)
    assert [r[2] for r in quarantine(con, "asterisk/queue_log/queue_log-2")] == [
        "line 1: blank line",
        "line 2: blank line",
    ]


def test_mixed_line_endings_and_invalid_utf8_in_queue_log(con, landing: Path) -> None:
    data = (
        b"1706360000|c1|q|Agent/J\xc3\xb6rg|ENTERQUEUE||555|1\r\n"
        b"1706360001|c1|q|Agent/J\xf6rg|CONNECT|1|c1.2|1\n"
        b"1706360002|c1|q|NONE|ABANDON|1|1|2\r\n"
    )
    write(landing, "asterisk/queue_log/mixed", data)
    result = one(load_source(con, landing, "asterisk_queue_log"))
    assert (result.rows_in, result.rows_loaded) == (3, 3)
    assert "mixed CRLF/LF" in result.message and "on 1 line(s) (2)" in result.message
    assert con.execute(
        "SELECT agent, data3 FROM raw_asterisk.queue_log ORDER BY _row_number"
    ).fetchall() == [("Agent/Jörg", "1"), ("Agent/Jörg", "1"), ("NONE", "2")]
