"""PBXware's CDR table export (../shared/data/pbxware/cdr.csv): a CDR with a header.

Its columns are found by name (`calldate`, ..., 26 of them), `NULL` is SQL NULL, and its caller
ids carry the export's broken quoting (`""Agent 01" <1115>"`), which is repaired line by line
before the fields are read. Every one of the 1,000 rows must load, and nothing in them may be
lost: the columns without a cdr_csv counterpart are kept in `extra_fields`.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from orchestration.ingest import load_source, validate_raw

CDR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pbxware" / "cdr.csv"
pytestmark = pytest.mark.skipif(not CDR.exists(), reason=f"real extract not found: {CDR}")
BROKEN_CLID = re.compile(r'^\d+,[^,]*,""([^"]*)" <([^>]*)>",')


def raw() -> tuple[list[str], list[dict[str, str]]]:
    lines = CDR.read_text(encoding="utf-8").splitlines()
    with CDR.open(newline="", encoding="utf-8") as handle:
        return lines, list(csv.DictReader(handle))


def test_pbxware_cdr_loads_every_row(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "asterisk" / "cdr").mkdir(parents=True)
    (landing / "asterisk" / "cdr" / "cdr.csv").write_bytes(CDR.read_bytes())
    lines, records = raw()
    assert len(lines) == 1001 and len(records) == 1000

    (result,) = load_source(con, landing, "asterisk_cdr")
    assert result.status == "loaded", result.message
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (1000, 1000, 0)
    assert (
        "CDR with a header, columns by name (end = start + duration; answer = end - billsec for "
        "ANSWERED; kept in extra_fields: AcctId, tenant, billamount, agiuniqueid, trunk, did, "
        "sipcallid, inboundsipcallid), 1001 line(s): 1000 row(s) loaded, 0 quarantined"
    ) in result.message
    assert '1000 line(s) repaired before reading (caller ids exported as ""Name" <number>"' in (
        result.message
    )
    assert con.execute("SELECT count(*) FROM raw_ingest.quarantine").fetchone() == (0,)

    rows = con.execute(
        """
        SELECT _row_number, clid, src, dst, dstchannel, call_start, call_answer, call_end,
               duration, billsec, disposition, uniqueid, linkedid, sequence, userfield,
               column_count, source_format, extra_fields
        FROM raw_asterisk.cdr ORDER BY _row_number
        """
    ).fetchall()
    # one row per line, in order, every AcctId once
    assert [r[0] for r in rows] == list(range(2, 1002))
    assert [json.loads(r[17])["AcctId"] for r in rows] == [rec["AcctId"] for rec in records]
    assert Counter(r[10] for r in rows) == Counter(rec["disposition"] for rec in records)
    for line, rec, row in zip(lines[1:], records, rows, strict=True):
        name, number = BROKEN_CLID.match(line).groups()
        assert row[1] == f'"{name}" <{number}>'
        assert (row[2], row[3], row[4], row[11], row[12], row[14]) == tuple(
            None if rec[k] in ("NULL", "") else rec[k]
            for k in ("src", "dst", "dstchannel", "uniqueid", "linkedid", "userfield")
        )
        start = datetime.fromisoformat(rec["calldate"])
        end = start + timedelta(seconds=int(rec["duration"]))
        assert (row[5], row[7], row[8], row[9]) == (start, end, int(rec["duration"]),
                                                    int(rec["billsec"]))  # fmt: skip
        answered = rec["disposition"] == "ANSWERED"
        assert row[6] == (end - timedelta(seconds=int(rec["billsec"])) if answered else None)
        assert (row[13], row[15], row[16]) == (int(rec["sequence"]), 26, "header_named")
        extra = json.loads(row[17])
        assert extra == {k: (None if rec[k] == "NULL" else rec[k]) for k in (
            "AcctId", "tenant", "billamount", "agiuniqueid", "trunk", "did", "sipcallid",
            "inboundsipcallid")}  # fmt: skip

    suite = validate_raw(con, "asterisk_cdr")
    assert suite.success, suite.failures
    # loading it again changes nothing
    (again,) = load_source(con, landing, "asterisk_cdr")
    assert again.status == "unchanged"


def test_header_named_cdr_needs_its_key_columns(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "asterisk" / "cdr").mkdir(parents=True)
    (landing / "asterisk" / "cdr" / "export.csv").write_text(
        "clid,src,dst,channel,uniqueid\n1,2,3,4,5\n"
    )
    (result,) = load_source(con, landing, "asterisk_cdr")
    assert result.status == "failed"
    assert result.message == (
        "asterisk/cdr/export.csv: the CDR header lacks column(s) for call_start "
        "(start/calldate/call_start), duration (duration), billsec (billsec), disposition "
        "(disposition); found: clid, src, dst, channel, uniqueid"
    )
