"""The defect catalog: files with the defects real extracts have, and what ingestion does.

Each `Defect` is a file (its bytes), the folder it lands in, the files loaded before it (an
earlier version, the history a volume check compares with) and the EXACT outcome: the ledger
status and message, the counts, every quarantined line with its reason, and for the defects
that change values (encodings, time) the rows as loaded. `tests/test_ingest_defects.py` runs
every case in a fresh landing folder and warehouse; the decisions behind the outcomes are in
DECISIONS.md ("Ingestion defects").

Messages are compared after `normalize` (load times become `<time>`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

QL = "asterisk/queue_log/queue_log-20240127"
CDR = "asterisk/cdr/Master-20240127.csv"
ROSTER = "roster/agents.csv"
MAPPED = "mapped/crm/calls.csv"

# --- building blocks ---------------------------------------------------------------------------

ENTER = b"1706360100|c1|support|NONE|ENTERQUEUE||5551234|1\n"  # 2024-01-27 12:55:00 UTC
CONNECT = b"1706360105|c1|support|Agent/1001|CONNECT|5|c1.2|3\n"
COMPLETE = b"1706360200|c1|support|Agent/1001|COMPLETECALLER|5|95|1\n"
CALL = ENTER + CONNECT + COMPLETE

NO_HISTORY = (
    "volume not checked: 0 earlier file(s) of source {source} in the ledger, 3 needed for a "
    "baseline"
)


def passed(n: int, source: str, volume: str | None = None) -> str:
    """The contract note of a file that loads."""
    return f"contract passed ({n} expectations); " + (volume or NO_HISTORY.format(source=source))


QL_OK = passed(7, "asterisk_queue_log")
CDR_OK = passed(9, "asterisk_cdr")
ROSTER_OK = passed(4, "roster_agents")
MAPPED_OK = passed(12, "mapped_contacts").replace("source mapped_contacts", "folder mapped/crm/")


def cdr(
    clid: bytes = b'"Caller" <5551000>',
    start: bytes = b"2024-01-27 10:00:00",
    answer: bytes = b"2024-01-27 10:00:05",
    end: bytes = b"2024-01-27 10:01:05",
    duration: bytes = b"65",
    billsec: bytes = b"60",
    disposition: bytes = b"ANSWERED",
    uniqueid: bytes = b"1706349600.1",
    tail: bytes = b"",
) -> bytes:
    """One Asterisk cdr_csv line, 21 columns (plus `tail`)."""
    q = clid.replace(b'"', b'""')
    return (
        b'"","5551000","200","from-pstn","' + q + b'","SIP/trunk-01","SIP/200-02","Dial",'
        b'"SIP/200,30,t","' + start + b'","' + answer + b'","' + end + b'",' + duration + b","
        + billsec + b',"' + disposition + b'","DOCUMENTATION","' + uniqueid + b'","","","'
        + uniqueid + b'",1' + tail + b"\n"
    )  # fmt: skip


ROSTER_HEADER = b"agent_id,agent_name,team,site_id,role,hire_date,leave_date"


def roster(n: int) -> bytes:
    return (
        ROSTER_HEADER
        + b"\n"
        + b"".join(
            f"Agent/{1000 + i},Agent {i},A,MAD,agent,2023-01-02,\n".encode() for i in range(n)
        )
    )


def queue_log(calls: int, start: int = 1706360100) -> bytes:
    """`calls` answered calls, 3 lines each."""
    out = []
    for i in range(calls):
        t, c = start + 300 * i, f"c{i}"
        out.append(
            f"{t}|{c}|support|NONE|ENTERQUEUE||555{i:04}|1\n"
            f"{t + 5}|{c}|support|Agent/1001|CONNECT|5|{c}.2|3\n"
            f"{t + 100}|{c}|support|Agent/1001|COMPLETECALLER|5|95|1\n"
        )
    return "".join(out).encode()


MAPPING = b"""\
reader:
  format: csv
  delimiter: ","
  header: true
columns:
  call: id
  started: started
  result: result
contact:
  contact_id: call
  queue: "'support'"
  arrived_at: started
  queued_at: started
  outcome: result
"""

# a mapping that reads each format the column has, and takes the zone-marked ones as instants
MAPPING_FORMATS = (
    MAPPING.replace(
        b"  arrived_at: started\n  queued_at: started\n",
        b"  arrived_at: &t >-\n"
        b"    coalesce(try_strptime(started, '%d/%m/%Y %H:%M')::VARCHAR, started)\n"
        b"  queued_at: *t\n",
    )
    + b"timestamps: utc\n"
)


# --- the catalog ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    status: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    message: str
    # every quarantined line of the file: (line number, reason)
    quarantined: tuple[tuple[int, str], ...] = ()
    # `query` over the warehouse (the file's rows, values as loaded)
    rows: tuple[tuple, ...] | None = None


@dataclass(frozen=True)
class Defect:
    name: str
    source: str
    path: str
    what: str  # the defect, and what the outcome means
    content: bytes
    expected: Expected
    # loaded one by one before the case file: (path, bytes); an earlier version of `path`
    # or the history of the source
    before: tuple[tuple[str, bytes], ...] = ()
    # written beside the file, not loaded by themselves (a mapping)
    beside: tuple[tuple[str, bytes], ...] = ()
    legacy_encoding: str = "latin-1"
    query: str | None = None
    # for the time defects: the UTC times staging gives local CDR times (see TIME_QUERY)
    notes: tuple[str, ...] = field(default_factory=tuple)


def every_line(first: int, last: int, reason: str) -> tuple[tuple[int, str], ...]:
    """The same reason on each line of a range (a rejected file)."""
    return tuple((n, f"line {n}: {reason}") for n in range(first, last + 1))


def normalize(message: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "<time>", message)


# staging's conversion of a CDR's local times (macros/cross_db/time_zones.sql on DuckDB) with
# the default site's zone (var default_site_id = MAD, Europe/Madrid in seeds/sites.csv)
CDR_UTC = (
    "SELECT _row_number, call_start, timezone('UTC', timezone('Europe/Madrid', call_start)), "
    "call_end, timezone('UTC', timezone('Europe/Madrid', call_end)) FROM raw_asterisk.cdr "
    "ORDER BY _row_number"
)


QL_ROWS = (
    "SELECT _row_number, event_at, callid, event, data1, data2, data3 "
    "FROM raw_asterisk.queue_log ORDER BY _row_number"
)
CLID = "SELECT _row_number, clid FROM raw_asterisk.cdr ORDER BY _row_number"

# fmt: off
# fmt: off
# fmt: off
ENCODINGS = (
    Defect(
        'utf8_bom_queue_log', "asterisk_queue_log", QL,
        'UTF-8 with a byte-order mark: the mark is not part of the first field',
        b"\xef\xbb\xbf" + CALL,
        query=QL_ROWS,
        expected=Expected(
            'loaded', 3, 3, 0,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 3 '
                'row(s) loaded, 0 quarantined; contract passed (8 expectations); volume not '
                'checked: 0 earlier file(s) of source asterisk_queue_log in the ledger, 3 needed '
                'for a baseline'
            ),
            rows=(
                (1, datetime(2024, 1, 27, 12, 55), 'c1', 'ENTERQUEUE', None, '5551234', '1'),
                (2, datetime(2024, 1, 27, 12, 55, 5), 'c1', 'CONNECT', '5', 'c1.2', '3'),
                (3, datetime(2024, 1, 27, 12, 56, 40), 'c1', 'COMPLETECALLER', '5', '95', '1'),
            ),
        ),
    ),
    Defect(
        'utf8_cyrillic_cdr', "asterisk_cdr", CDR,
        'UTF-8 caller names (Cyrillic) load as they are',
        cdr(clid='"Фёдор Иванов" <5551000>'.encode()),
        query=CLID,
        expected=Expected(
            'loaded', 1, 1, 0,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 1 line(s): 1 row(s) loaded, 0 '
                'quarantined; contract passed (10 expectations); volume not checked: 0 earlier '
                'file(s) of source asterisk_cdr in the ledger, 3 needed for a baseline'
            ),
            rows=(
                (1, '"Фёдор Иванов" <5551000>'),
            ),
        ),
    ),
    Defect(
        'latin1_cdr', "asterisk_cdr", CDR,
        (
            'a Latin-1 caller name: the line is not UTF-8 and is read as the legacy encoding '
            '(latin-1 by default)'
        ),
        cdr() + cdr(clid='"José Núñez" <5551000>'.encode("latin-1")),
        query=CLID,
        expected=Expected(
            'loaded', 2, 2, 0,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 2 line(s): 2 row(s) loaded, 0 '
                'quarantined; not valid UTF-8 on 1 line(s) (2): 3 invalid byte(s); each such '
                "line read as latin-1 (0xE9 -> 'é'), the rows are kept; contract passed (10 "
                'expectations); volume not checked: 0 earlier file(s) of source asterisk_cdr in '
                'the ledger, 3 needed for a baseline'
            ),
            rows=(
                (1, '"Caller" <5551000>'),
                (2, '"José Núñez" <5551000>'),
            ),
        ),
    ),
    Defect(
        'windows1251_cdr_declared', "asterisk_cdr", CDR,
        (
            'Windows-1251 caller names with CCWH_LEGACY_ENCODING=windows-1251: the whole line is '
            "read in that code page ('Фё' is D4 B8, valid UTF-8 by accident, so a byte-by-byte "
            'repair would misread it)'
        ),
        cdr(clid='"Фёдор Иванов" <5551000>'.encode("cp1251")),
        legacy_encoding="windows-1251",
        query=CLID,
        expected=Expected(
            'loaded', 1, 1, 0,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 1 line(s): 1 row(s) loaded, 0 '
                'quarantined; not valid UTF-8 on 1 line(s) (1): 9 invalid byte(s); each such '
                "line read as windows-1251 (0xE4 -> 'д'), the rows are kept; contract passed (10 "
                'expectations); volume not checked: 0 earlier file(s) of source asterisk_cdr in '
                'the ledger, 3 needed for a baseline'
            ),
            rows=(
                (1, '"Фёдор Иванов" <5551000>'),
            ),
        ),
    ),
    Defect(
        'windows1251_cdr_undeclared', "asterisk_cdr", CDR,
        (
            'the same file without the setting: read as latin-1, lossless (the stored text '
            "encodes back to the file's bytes) but not legible; the ledger says which lines"
        ),
        cdr(clid='"Фёдор Иванов" <5551000>'.encode("cp1251")),
        query=CLID,
        expected=Expected(
            'loaded', 1, 1, 0,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 1 line(s): 1 row(s) loaded, 0 '
                'quarantined; not valid UTF-8 on 1 line(s) (1): 9 invalid byte(s); each such '
                "line read as latin-1 (0xE4 -> 'ä'), the rows are kept; contract passed (10 "
                'expectations); volume not checked: 0 earlier file(s) of source asterisk_cdr in '
                'the ledger, 3 needed for a baseline'
            ),
            rows=(
                (1, '"Ô¸äîð Èâàíîâ" <5551000>'),
            ),
        ),
    ),
    Defect(
        'mapped_windows1251_declared', "mapped_contacts", MAPPED,
        'a mapped export declares its encoding in the mapping (reader.encoding)',
        "id,started,result\nм-1,2024-01-27 15:07:24,answered\n".encode("cp1251"),
        beside=(
            (
                "mapped/crm/mapping.yml",
                MAPPING.replace(b"  header: true\n", b"  header: true\n  encoding: windows-1251\n"),
            ),
        ),
        query="SELECT _row_number, contact_id, arrived_at FROM raw_mapped.contacts",
        expected=Expected(
            'loaded', 1, 1, 0,
            (
                'mapped/crm/calls.csv: mapped by mapped/crm/mapping.yml, 2 line(s): 1 row(s) '
                'loaded, 0 quarantined; read as windows-1251; contract passed (15 expectations); '
                'volume not checked: 0 earlier file(s) of folder mapped/crm/ in the ledger, 3 '
                'needed for a baseline'
            ),
            rows=(
                (2, 'м-1', datetime(2024, 1, 27, 15, 7, 24)),
            ),
        ),
    ),
    Defect(
        'utf16_roster', "roster_agents", ROSTER,
        "a UTF-16 export with its byte-order mark (Excel's 'Unicode text') is transcoded",
        "\ufeff".encode("utf-16-le") + roster(2).decode().replace("\n", "\r\n").encode("utf-16-le"),
        query="SELECT _row_number, agent_id, agent_name FROM raw_roster.agents ORDER BY 1",
        expected=Expected(
            'loaded', 2, 2, 0,
            (
                'roster/agents.csv: agent roster, 3 line(s): 2 row(s) loaded, 0 quarantined; '
                'UTF-16-LE (byte-order mark), read as UTF-8; contract passed (5 expectations); '
                'volume not checked: 0 earlier file(s) of source roster_agents in the ledger, 3 '
                'needed for a baseline'
            ),
            rows=(
                (2, 'Agent/1000', 'Agent 0'),
                (3, 'Agent/1001', 'Agent 1'),
            ),
        ),
    ),
)

LINES = (
    Defect(
        'crlf_queue_log', "asterisk_queue_log", QL,
        "CRLF line ends: no '\\r' in the last field",
        CALL.replace(b"\n", b"\r\n"),
        query=QL_ROWS,
        expected=Expected(
            'loaded', 3, 3, 0,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 3 '
                'row(s) loaded, 0 quarantined; contract passed (8 expectations); volume not '
                'checked: 0 earlier file(s) of source asterisk_queue_log in the ledger, 3 needed '
                'for a baseline'
            ),
            rows=(
                (1, datetime(2024, 1, 27, 12, 55), 'c1', 'ENTERQUEUE', None, '5551234', '1'),
                (2, datetime(2024, 1, 27, 12, 55, 5), 'c1', 'CONNECT', '5', 'c1.2', '3'),
                (3, datetime(2024, 1, 27, 12, 56, 40), 'c1', 'COMPLETECALLER', '5', '95', '1'),
            ),
        ),
    ),
    Defect(
        'truncated_last_line_queue_log', "asterisk_queue_log", QL,
        (
            'the PBX was still writing: the last line is cut inside a number (95 -> 9) and would '
            'parse; a PBX ends every line, so a last line without a line end is quarantined'
        ),
        CALL[:-3],
        query=QL_ROWS,
        expected=Expected(
            'loaded', 3, 2, 1,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 2 '
                'row(s) loaded, 1 quarantined; the last line has no line end (a file cut while '
                'being written?); contract passed (8 expectations); volume not checked: 0 '
                'earlier file(s) of source asterisk_queue_log in the ledger, 3 needed for a '
                'baseline'
            ),
            quarantined=(
                (3, 'line 3: truncated: the last line has no line end (the file was copied while '
                 'the PBX was still writing it); the complete line loads when the file is '
                 'delivered again'),
            ),
            rows=(
                (1, datetime(2024, 1, 27, 12, 55), 'c1', 'ENTERQUEUE', None, '5551234', '1'),
                (2, datetime(2024, 1, 27, 12, 55, 5), 'c1', 'CONNECT', '5', 'c1.2', '3'),
            ),
        ),
    ),
    Defect(
        'truncated_last_line_cdr', "asterisk_cdr", CDR,
        'a cdr_csv cut inside a quoted field',
        cdr(uniqueid=b"1.1") + cdr(uniqueid=b"1.2")[:70],
        query="SELECT _row_number, uniqueid FROM raw_asterisk.cdr",
        expected=Expected(
            'loaded', 2, 1, 1,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 2 line(s): 1 row(s) loaded, 1 '
                'quarantined; 1 line(s) with unbalanced double quotes quarantined; the last line '
                'has no line end (a file cut while being written?); contract passed (10 '
                'expectations); volume not checked: 0 earlier file(s) of source asterisk_cdr in '
                'the ledger, 3 needed for a baseline'
            ),
            quarantined=(
                (2, 'line 2: truncated: the last line has no line end (the file was copied while '
                 'the PBX was still writing it); the complete line loads when the file is '
                 'delivered again; unbalanced double quotes: a quoted field is not closed on '
                 'this line'),
            ),
            rows=(
                (1, '1.1'),
            ),
        ),
    ),
    Defect(
        'roster_without_final_newline', "roster_agents", ROSTER,
        (
            "a hand-made export whose last line simply has no line end loads (only a PBX's own "
            'files are held to complete lines)'
        ),
        roster(2)[:-1],
        query="SELECT _row_number, agent_id FROM raw_roster.agents ORDER BY 1",
        expected=Expected(
            'loaded', 2, 2, 0,
            (
                'roster/agents.csv: agent roster, 3 line(s): 2 row(s) loaded, 0 quarantined; the '
                'last line has no line end (a file cut while being written?); contract passed (5 '
                'expectations); volume not checked: 0 earlier file(s) of source roster_agents in '
                'the ledger, 3 needed for a baseline'
            ),
            rows=(
                (2, 'Agent/1000'),
                (3, 'Agent/1001'),
            ),
        ),
    ),
    Defect(
        'empty_file', "asterisk_cdr", CDR,
        'an empty file: nothing to load, nothing lost',
        b"",
        expected=Expected(
            'loaded', 0, 0, 0,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 0 line(s): 0 row(s) loaded, 0 '
                'quarantined; contract passed (9 expectations); volume not checked: 0 earlier '
                'file(s) of source asterisk_cdr in the ledger, 3 needed for a baseline'
            ),
        ),
    ),
    Defect(
        'header_only_cdr', "asterisk_cdr", CDR,
        'a CDR export with its header and no call',
        b"accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,"
        b"end,duration,billsec,disposition,amaflags,uniqueid,userfield\n",
        expected=Expected(
            'loaded', 0, 0, 0,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, header line skipped, 1 line(s): 0 '
                'row(s) loaded, 0 quarantined; contract passed (9 expectations); volume not '
                'checked: 0 earlier file(s) of source asterisk_cdr in the ledger, 3 needed for a '
                'baseline'
            ),
        ),
    ),
    Defect(
        'blank_lines_only', "asterisk_queue_log", QL,
        'only blank lines: each is a line of the file, quarantined as blank',
        b"\n  \n\t\n",
        expected=Expected(
            'loaded', 3, 0, 3,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 0 '
                'row(s) loaded, 3 quarantined; no row loads; 3 of 3 line(s): blank line; '
                'contract passed (7 expectations); volume not checked: 0 earlier file(s) of '
                'source asterisk_queue_log in the ledger, 3 needed for a baseline'
            ),
            quarantined=(
                (1, 'line 1: blank line'),
                (2, 'line 2: blank line'),
                (3, 'line 3: blank line'),
            ),
        ),
    ),
    Defect(
        'nul_bytes', "asterisk_queue_log", QL,
        'NUL bytes: a block of them (a crash) and one inside a field; both lines quarantined',
        ENTER + b"\x00" * 8 + b"\n" + CONNECT.replace(b"support", b"sup\x00port"),
        query=QL_ROWS,
        expected=Expected(
            'loaded', 3, 1, 2,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 1 '
                'row(s) loaded, 2 quarantined; 2 line(s) with NUL bytes quarantined (the file is '
                'damaged); contract passed (8 expectations); volume not checked: 0 earlier '
                'file(s) of source asterisk_queue_log in the ledger, 3 needed for a baseline'
            ),
            quarantined=(
                (2, 'line 2: contains 8 NUL byte(s) (0x00): the file is damaged here (a crash or '
                 'a disk error leaves blocks of NUL bytes)'),
                (3, 'line 3: contains 1 NUL byte(s) (0x00): the file is damaged here (a crash or '
                 'a disk error leaves blocks of NUL bytes)'),
            ),
            rows=(
                (1, datetime(2024, 1, 27, 12, 55), 'c1', 'ENTERQUEUE', None, '5551234', '1'),
            ),
        ),
    ),
    Defect(
        'overlong_line', "asterisk_queue_log", QL,
        "a 2 MB line (DuckDB's reader refused the whole file on it)",
        ENTER + b"1706360105|c1|support|Agent/1001|CONNECT|" + b"x" * 2_000_000 + b"\n" + COMPLETE,
        query=QL_ROWS,
        expected=Expected(
            'loaded', 3, 2, 1,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 2 '
                'row(s) loaded, 1 quarantined; 1 line(s) longer than 1,048,576 characters '
                'quarantined; contract passed (8 expectations); volume not checked: 0 earlier '
                'file(s) of source asterisk_queue_log in the ledger, 3 needed for a baseline'
            ),
            quarantined=(
                (2, 'line 2: line is 2,000,041 characters long, over the 1,048,576 a line of an '
                 'Asterisk queue_log (file format) can have: binary data, or line ends lost'),
            ),
            rows=(
                (1, datetime(2024, 1, 27, 12, 55), 'c1', 'ENTERQUEUE', None, '5551234', '1'),
                (3, datetime(2024, 1, 27, 12, 56, 40), 'c1', 'COMPLETECALLER', '5', '95', '1'),
            ),
        ),
    ),
    Defect(
        'wrong_separator', "asterisk_queue_log", QL,
        "lines separated by ';' and by tabs in a '|' file",
        ENTER + CONNECT.replace(b"|", b";") + COMPLETE.replace(b"|", b"\t"),
        query=QL_ROWS,
        expected=Expected(
            'loaded', 3, 1, 2,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 1 '
                'row(s) loaded, 2 quarantined; contract passed (8 expectations); volume not '
                'checked: 0 earlier file(s) of source asterisk_queue_log in the ledger, 3 needed '
                'for a baseline'
            ),
            quarantined=(
                (2, "line 2: the fields are separated by ';', not '|' (8 fields): a line of "
                 'another export, or edited by hand'),
                (3, "line 3: the fields are separated by tabs, not '|' (8 fields): a line of "
                 'another export, or edited by hand'),
            ),
            rows=(
                (1, datetime(2024, 1, 27, 12, 55), 'c1', 'ENTERQUEUE', None, '5551234', '1'),
            ),
        ),
    ),
    Defect(
        'empty_required_fields', "asterisk_queue_log", QL,
        'an event without a time or without a name is quarantined (dbt could not place it)',
        ENTER
        + b"|c1|support|Agent/1001|CONNECT|5|c1.2|3\n"
        + b"1706360200|c1|support|Agent/1001||5|95|1\n",
        query=QL_ROWS,
        expected=Expected(
            'loaded', 3, 1, 2,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 1 '
                'row(s) loaded, 2 quarantined; contract passed (8 expectations); volume not '
                'checked: 0 earlier file(s) of source asterisk_queue_log in the ledger, 3 needed '
                'for a baseline'
            ),
            quarantined=(
                (2, "line 2: field 'epoch' is empty: an event without a time cannot be placed"),
                (3, "line 3: field 'event' is empty"),
            ),
            rows=(
                (1, datetime(2024, 1, 27, 12, 55), 'c1', 'ENTERQUEUE', None, '5551234', '1'),
            ),
        ),
    ),
)

DRIFT = (
    Defect(
        'cdr_19_columns', "asterisk_cdr", CDR,
        (
            'schema drift: a cdr_csv with 19 columns (not 18 or 21): every line is quarantined '
            'and the file, from which no row loads, breaks its contract'
        ),
        cdr(uniqueid=b"1.1").replace(b',"","1.1",1\n', b',"x"\n')
        + cdr(uniqueid=b"1.2").replace(b',"","1.2",1\n', b',"x"\n'),
        expected=Expected(
            'rejected', 2, 0, 2,
            (
                'asterisk/cdr/Master-20240127.csv: REJECTED by its contract: '
                'expect_table_row_count_to_be_between: 0 row(s), expected at least 1 (the file '
                'has 2 row(s) of data: at least one must load). None of its 2 row(s) is loaded, '
                "all are in the quarantine (2 with their own reason, 0 with the contract's). Fix "
                'the export and deliver it again, or load it as it is with: ccwh ingest --accept '
                'asterisk/cdr/Master-20240127.csv; cdr_csv, 2 line(s); no row loads; 2 of 2 '
                'line(s): expected 18 or 21 fields (Asterisk cdr_csv), found 19'
            ),
            quarantined=(
                (1, 'line 1: expected 18 or 21 fields (Asterisk cdr_csv), found 19'),
                (2, 'line 2: expected 18 or 21 fields (Asterisk cdr_csv), found 19'),
            ),
        ),
    ),
    Defect(
        'realtime_queue_log_new_column', "asterisk_queue_log", "asterisk/queue_log/export.csv",
        (
            'a realtime queue_log export with a column this loader does not know: kept in '
            'extra_fields'
        ),
        b"time,callid,queuename,agent,event,data1,data2,data3,data4,data5,serverid\n"
        b"1706360100,c1,support,NONE,ENTERQUEUE,,5551234,1,,,pbx-2\n",
        query="SELECT _row_number, event, data2, extra_fields FROM raw_asterisk.queue_log",
        expected=Expected(
            'loaded', 1, 1, 0,
            (
                'asterisk/queue_log/export.csv: queue_log realtime table (Asterisk columns; kept '
                'in extra_fields: serverid), 2 line(s): 1 row(s) loaded, 0 quarantined; contract '
                'passed (8 expectations); volume not checked: 0 earlier file(s) of source '
                'asterisk_queue_log in the ledger, 3 needed for a baseline'
            ),
            rows=(
                (2, 'ENTERQUEUE', '5551234', '{"serverid":"pbx-2"}'),
            ),
        ),
    ),
    Defect(
        'realtime_queue_log_missing_column', "asterisk_queue_log", "asterisk/queue_log/export.csv",
        'a realtime export without the agent column cannot be read: failed, nothing loaded',
        b"time,callid,queuename,event\n1706360100,c1,support,ENTERQUEUE\n",
        expected=Expected(
            'failed', 0, 0, 0,
            (
                'asterisk/queue_log/export.csv: the realtime queue_log header lacks column(s) '
                'agent; found: time, callid, queuename, event'
            ),
        ),
    ),
    Defect(
        'roster_extra_column', "roster_agents", ROSTER,
        'a roster with an extra column: kept in extra_fields',
        ROSTER_HEADER + b",email\nAgent/1001,Ann,A,MAD,agent,2023-01-02,,ann@example.com\n",
        query="SELECT agent_id, extra_fields FROM raw_roster.agents",
        expected=Expected(
            'loaded', 1, 1, 0,
            (
                'roster/agents.csv: agent roster (kept in extra_fields: email), 2 line(s): 1 '
                'row(s) loaded, 0 quarantined; contract passed (5 expectations); volume not '
                'checked: 0 earlier file(s) of source roster_agents in the ledger, 3 needed for '
                'a baseline'
            ),
            rows=(
                ('Agent/1001', '{"email":"ann@example.com"}'),
            ),
        ),
    ),
    Defect(
        'roster_missing_column', "roster_agents", ROSTER,
        'a roster without leave_date cannot be read: failed',
        b"agent_id,agent_name,team,site_id,role,hire_date\nAgent/1001,Ann,A,MAD,agent,2023-01-02\n",
        expected=Expected(
            'failed', 0, 0, 0,
            (
                'roster/agents.csv: the roster header lacks column(s) leave_date: the first line '
                "must be 'agent_id,agent_name,team,site_id,role,hire_date,leave_date' (any "
                "order); found 'agent_id,agent_name,team,site_id,role,hire_date'"
            ),
        ),
    ),
)

VALUES = (
    Defect(
        'cdr_impossible_durations', "asterisk_cdr", CDR,
        'billsec > duration, a negative duration, a negative billsec: quarantined',
        cdr(uniqueid=b"1.1")
        + cdr(billsec=b"70", uniqueid=b"1.2")
        + cdr(duration=b"-5", billsec=b"0", answer=b"", disposition=b"NO ANSWER", uniqueid=b"1.3")
        + cdr(billsec=b"-1", uniqueid=b"1.4"),
        query="SELECT _row_number, uniqueid, duration, billsec FROM raw_asterisk.cdr",
        expected=Expected(
            'loaded', 4, 1, 3,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 4 line(s): 1 row(s) loaded, 3 '
                'quarantined; contract passed (10 expectations); volume not checked: 0 earlier '
                'file(s) of source asterisk_cdr in the ledger, 3 needed for a baseline'
            ),
            quarantined=(
                (2, 'line 2: billsec (70) is greater than duration (65): impossible, the '
                 'answered part of a call is part of it'),
                (3, "line 3: field 'duration' is negative: -5"),
                (4, "line 4: field 'billsec' is negative: -1"),
            ),
            rows=(
                (1, '1.1', 65, 60),
            ),
        ),
    ),
    Defect(
        'mixed_date_formats_naive_mapping', "mapped_contacts", MAPPED,
        (
            "one column with '2024-01-27 15:07:24', '27/01/2024 15:07', '2024-01-27T14:07:24Z' "
            "and '2024-01-27T16:07:24+02:00', mapped as is with local times: the ISO form loads, "
            'the others are quarantined with the value and what to do (an offset is never '
            'dropped)'
        ),
        b"id,started,result\n1,2024-01-27 15:07:24,answered\n2,27/01/2024 15:07,answered\n"
        b"3,2024-01-27T14:07:24Z,answered\n4,2024-01-27T16:07:24+02:00,answered\n",
        beside=(("mapped/crm/mapping.yml", MAPPING),),
        query="SELECT contact_id, arrived_at, time_basis FROM raw_mapped.contacts ORDER BY 1",
        expected=Expected(
            'loaded', 4, 1, 3,
            (
                'mapped/crm/calls.csv: mapped by mapped/crm/mapping.yml, 5 line(s): 1 row(s) '
                'loaded, 3 quarantined; contract passed (15 expectations); volume not checked: 0 '
                'earlier file(s) of folder mapped/crm/ in the ledger, 3 needed for a baseline'
            ),
            quarantined=(
                (3, "line 3: contact.arrived_at is not a TIMESTAMP: '27/01/2024 15:07'; "
                 "contact.queued_at is not a TIMESTAMP: '27/01/2024 15:07'"),
                (4, "line 4: contact.arrived_at has a UTC offset ('2024-01-27T14:07:24Z') but "
                 "the mapping's timestamps are local (the site's time zone): write "
                 'timestamps: utc, or give local times; contact.queued_at has a UTC offset '
                 "('2024-01-27T14:07:24Z') but the mapping's timestamps are local (the site's "
                 'time zone): write timestamps: utc, or give local times'),
                (5, "line 5: contact.arrived_at has a UTC offset ('2024-01-27T16:07:24+02:00') "
                 "but the mapping's timestamps are local (the site's time zone): write "
                 'timestamps: utc, or give local times; contact.queued_at has a UTC offset '
                 "('2024-01-27T16:07:24+02:00') but the mapping's timestamps are local (the "
                 "site's time zone): write timestamps: utc, or give local times"),
            ),
            rows=(
                ('1', datetime(2024, 1, 27, 15, 7, 24), 'local'),
            ),
        ),
    ),
    Defect(
        'mixed_date_formats_handled', "mapped_contacts", MAPPED,
        (
            'the same column with a mapping that parses the day-first form and declares UTC '
            'times: every row loads, the zone-marked ones converted to UTC'
        ),
        b"id,started,result\n1,2024-01-27 15:07:24,answered\n2,27/01/2024 15:07,answered\n"
        b"3,2024-01-27T14:07:24Z,answered\n4,2024-01-27T16:07:24+02:00,answered\n",
        beside=(("mapped/crm/mapping.yml", MAPPING_FORMATS),),
        query="SELECT contact_id, arrived_at, time_basis FROM raw_mapped.contacts ORDER BY 1",
        expected=Expected(
            'loaded', 4, 4, 0,
            (
                'mapped/crm/calls.csv: mapped by mapped/crm/mapping.yml, 5 line(s): 4 row(s) '
                'loaded, 0 quarantined; contract passed (15 expectations); volume not checked: 0 '
                'earlier file(s) of folder mapped/crm/ in the ledger, 3 needed for a baseline'
            ),
            rows=(
                ('1', datetime(2024, 1, 27, 15, 7, 24), 'utc'),
                ('2', datetime(2024, 1, 27, 15, 7), 'utc'),
                ('3', datetime(2024, 1, 27, 14, 7, 24), 'utc'),
                ('4', datetime(2024, 1, 27, 14, 7, 24), 'utc'),
            ),
        ),
    ),
    Defect(
        'queue_log_out_of_order', "asterisk_queue_log", QL,
        (
            'events out of time order in the file: all loaded with their line numbers (staging '
            'orders by time, then file, then line: D17; test_ingest_defects checks fct_contacts)'
        ),
        COMPLETE + ENTER + CONNECT,
        query=QL_ROWS,
        expected=Expected(
            'loaded', 3, 3, 0,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 3 '
                'row(s) loaded, 0 quarantined; contract passed (8 expectations); volume not '
                'checked: 0 earlier file(s) of source asterisk_queue_log in the ledger, 3 needed '
                'for a baseline'
            ),
            rows=(
                (1, datetime(2024, 1, 27, 12, 56, 40), 'c1', 'COMPLETECALLER', '5', '95', '1'),
                (2, datetime(2024, 1, 27, 12, 55), 'c1', 'ENTERQUEUE', None, '5551234', '1'),
                (3, datetime(2024, 1, 27, 12, 55, 5), 'c1', 'CONNECT', '5', 'c1.2', '3'),
            ),
        ),
    ),
)

TIME = (
    Defect(
        'cdr_local_times', "asterisk_cdr", CDR,
        (
            'CDR times have no zone: loaded as written (local), staging converts them with the '
            "site's zone (default site MAD, Europe/Madrid: UTC+1 in January)"
        ),
        cdr(),
        query=CDR_UTC,
        expected=Expected(
            'loaded', 1, 1, 0,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 1 line(s): 1 row(s) loaded, 0 '
                'quarantined; contract passed (10 expectations); volume not checked: 0 earlier '
                'file(s) of source asterisk_cdr in the ledger, 3 needed for a baseline'
            ),
            rows=(
                (1, datetime(2024, 1, 27, 10, 0), datetime(2024, 1, 27, 9, 0),
                 datetime(2024, 1, 27, 10, 1, 5), datetime(2024, 1, 27, 9, 1, 5)),
            ),
        ),
    ),
    Defect(
        'cdr_autumn_clock_change', "asterisk_cdr", CDR,
        (
            '27 Oct 2024, Europe/Madrid: 02:00-03:00 happens twice. Two calls at 02:30 (one in '
            'each pass, see their uniqueid epochs): both read as the second pass (CET, 01:30 '
            'UTC) by a plain conversion, so the first would be an hour late, and a call from 01:59 '
            'to 02:00:05 (first pass) would end an hour late: raw keeps the local times, staging '
            'resolves both by the uniqueid epoch and the duration (DECISIONS.md D50)'
        ),
        cdr(
            start=b"2024-10-27 02:30:00",
            answer=b"2024-10-27 02:30:05",
            end=b"2024-10-27 02:31:05",
            uniqueid=b"1729989000.1",
        )
        + cdr(
            start=b"2024-10-27 02:30:00",
            answer=b"2024-10-27 02:30:05",
            end=b"2024-10-27 02:31:05",
            uniqueid=b"1729992600.2",
        )
        + cdr(
            start=b"2024-10-27 01:59:00",
            answer=b"2024-10-27 01:59:05",
            end=b"2024-10-27 02:00:05",
            uniqueid=b"1729987140.3",
        ),
        query=CDR_UTC,
        expected=Expected(
            'loaded', 3, 3, 0,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 3 line(s): 3 row(s) loaded, 0 '
                'quarantined; contract passed (10 expectations); volume not checked: 0 earlier '
                'file(s) of source asterisk_cdr in the ledger, 3 needed for a baseline'
            ),
            rows=(
                (1, datetime(2024, 10, 27, 2, 30), datetime(2024, 10, 27, 1, 30),
                 datetime(2024, 10, 27, 2, 31, 5), datetime(2024, 10, 27, 1, 31, 5)),
                (2, datetime(2024, 10, 27, 2, 30), datetime(2024, 10, 27, 1, 30),
                 datetime(2024, 10, 27, 2, 31, 5), datetime(2024, 10, 27, 1, 31, 5)),
                (3, datetime(2024, 10, 27, 1, 59), datetime(2024, 10, 26, 23, 59),
                 datetime(2024, 10, 27, 2, 0, 5), datetime(2024, 10, 27, 1, 0, 5)),
            ),
        ),
    ),
    Defect(
        'cdr_spring_clock_change', "asterisk_cdr", CDR,
        (
            '31 Mar 2024, Europe/Madrid: 02:00-03:00 does not exist. A CDR time in it is read as '
            'if the clock had not moved (02:30 -> 01:30 UTC, = 03:30 CEST); a real time just '
            'before and after the gap for comparison'
        ),
        cdr(
            start=b"2024-03-31 01:59:00",
            answer=b"2024-03-31 01:59:05",
            end=b"2024-03-31 03:00:05",
            duration=b"65",
            uniqueid=b"1711846740.1",
        )
        + cdr(
            start=b"2024-03-31 02:30:00",
            answer=b"2024-03-31 02:30:05",
            end=b"2024-03-31 02:31:05",
            uniqueid=b"1711848600.2",
        ),
        query=CDR_UTC,
        expected=Expected(
            'loaded', 2, 2, 0,
            (
                'asterisk/cdr/Master-20240127.csv: cdr_csv, 2 line(s): 2 row(s) loaded, 0 '
                'quarantined; contract passed (10 expectations); volume not checked: 0 earlier '
                'file(s) of source asterisk_cdr in the ledger, 3 needed for a baseline'
            ),
            rows=(
                (1, datetime(2024, 3, 31, 1, 59), datetime(2024, 3, 31, 0, 59),
                 datetime(2024, 3, 31, 3, 0, 5), datetime(2024, 3, 31, 1, 0, 5)),
                (2, datetime(2024, 3, 31, 2, 30), datetime(2024, 3, 31, 1, 30),
                 datetime(2024, 3, 31, 2, 31, 5), datetime(2024, 3, 31, 1, 31, 5)),
            ),
        ),
    ),
)

DELIVERY = (
    Defect(
        'duplicate_file_other_name', "asterisk_queue_log",
        "asterisk/queue_log/queue_log-20240127.copy",
        (
            'the same bytes under another name: loaded (each file reconciles on its own), the '
            'ledger names the twin; staging keeps one copy of each event (D14)'
        ),
        CALL,
        before=((QL, CALL),),
        query="SELECT _file_name, count(*) FROM raw_asterisk.queue_log GROUP BY 1 ORDER BY 1",
        expected=Expected(
            'loaded', 3, 3, 0,
            (
                'asterisk/queue_log/queue_log-20240127.copy: queue_log file format, 3 line(s): 3 '
                'row(s) loaded, 0 quarantined; same content (sha256) as '
                "asterisk/queue_log/queue_log-20240127: its rows are duplicates of that file's, "
                'and staging keeps one copy of each (DECISIONS.md D14); contract passed (8 '
                'expectations); volume not checked: 1 earlier file(s) of source '
                'asterisk_queue_log in the ledger, 3 needed for a baseline'
            ),
            rows=(
                ('asterisk/queue_log/queue_log-20240127', 3),
                ('asterisk/queue_log/queue_log-20240127.copy', 3),
            ),
        ),
    ),
    Defect(
        'same_file_again', "asterisk_queue_log", QL,
        'the same file delivered again: unchanged, nothing written',
        CALL,
        before=((QL, CALL),),
        expected=Expected(
            'unchanged', 3, 3, 0,
            (
                'asterisk/queue_log/queue_log-20240127: same sha256 as loaded at <time> UTC; '
                'nothing to do'
            ),
        ),
    ),
    Defect(
        'corrected_redelivery', "asterisk_queue_log", QL,
        (
            'the file delivered again, corrected: its earlier rows and quarantined lines are '
            'replaced'
        ),
        CALL,
        before=((QL, ENTER + b"abc|c1|support|NONE|RINGNOANSWER|1000\n" + CONNECT),),
        query="SELECT _row_number, event FROM raw_asterisk.queue_log ORDER BY 1",
        expected=Expected(
            'replaced', 3, 3, 0,
            (
                'asterisk/queue_log/queue_log-20240127: queue_log file format, 3 line(s): 3 '
                'row(s) loaded, 0 quarantined; replaced the version loaded at <time>; contract '
                'passed (8 expectations); volume not checked: 1 earlier file(s) of source '
                'asterisk_queue_log in the ledger, 3 needed for a baseline'
            ),
            rows=(
                (1, 'ENTERQUEUE'),
                (2, 'CONNECT'),
                (3, 'COMPLETECALLER'),
            ),
        ),
    ),
)

VOLUME = (
    Defect(
        'volume_too_low', "asterisk_queue_log", "asterisk/queue_log/queue_log-20240131",
        (
            'after three days of 10 calls (30 rows each), a file with 2 rows (10 % of the median '
            'is 3): rejected, every row quarantined with the failed expectation'
        ),
        ENTER + CONNECT,
        before=tuple(
            (f"asterisk/queue_log/queue_log-202401{d}", queue_log(10, 1706360100 + 86400 * i))
            for i, d in enumerate(("27", "28", "29"))
        ),
        expected=Expected(
            'rejected', 2, 0, 2,
            (
                'asterisk/queue_log/queue_log-20240131: REJECTED by its contract: '
                'expect_table_row_count_to_be_between: 2 row(s), expected 3 to 150 (10% to 500% '
                'of the median 30 rows of the last 3 files of source asterisk_queue_log). None '
                'of its 2 row(s) is loaded, all are in the quarantine (0 with their own reason, '
                "2 with the contract's). Fix the export and deliver it again, or load it as it "
                'is with: ccwh ingest --accept asterisk/queue_log/queue_log-20240131; queue_log '
                'file format, 2 line(s)'
            ),
            quarantined=(
                (1, 'line 1: file rejected by its contract: '
                 'expect_table_row_count_to_be_between: 2 row(s), expected 3 to 150 (10% to '
                 '500% of the median 30 rows of the last 3 files of source asterisk_queue_log)'),
                (2, 'line 2: file rejected by its contract: '
                 'expect_table_row_count_to_be_between: 2 row(s), expected 3 to 150 (10% to '
                 '500% of the median 30 rows of the last 3 files of source asterisk_queue_log)'),
            ),
        ),
    ),
    Defect(
        'volume_too_high', "asterisk_queue_log", "asterisk/queue_log/queue_log-20240131",
        'after three days of 10 calls (30 rows), a file with 51 calls (153 rows > 500 %)',
        queue_log(51),
        before=tuple(
            (f"asterisk/queue_log/queue_log-202401{d}", queue_log(10, 1706360100 + 86400 * i))
            for i, d in enumerate(("27", "28", "29"))
        ),
        expected=Expected(
            'rejected', 153, 0, 153,
            (
                'asterisk/queue_log/queue_log-20240131: REJECTED by its contract: '
                'expect_table_row_count_to_be_between: 153 row(s), expected 3 to 150 (10% to '
                '500% of the median 30 rows of the last 3 files of source asterisk_queue_log). '
                'None of its 153 row(s) is loaded, all are in the quarantine (0 with their own '
                "reason, 153 with the contract's). Fix the export and deliver it again, or load "
                'it as it is with: ccwh ingest --accept asterisk/queue_log/queue_log-20240131; '
                'queue_log file format, 153 line(s)'
            ),
            quarantined=every_line(1, 153,
                (
                    'file rejected by its contract: expect_table_row_count_to_be_between: 153 '
                    'row(s), expected 3 to 150 (10% to 500% of the median 30 rows of the last 3 '
                    'files of source asterisk_queue_log)'
                )),
        ),
    ),
    Defect(
        'rejected_redelivery_keeps_earlier_version', "asterisk_cdr", CDR,
        (
            'a corrected file that breaks its contract (an unknown disposition) is rejected; the '
            'version loaded before stays'
        ),
        cdr(uniqueid=b"2.1") + cdr(disposition=b"HUNG UP", uniqueid=b"2.2"),
        before=((CDR, cdr(uniqueid=b"1.1")),),
        query="SELECT _row_number, uniqueid FROM raw_asterisk.cdr",
        expected=Expected(
            'rejected', 2, 0, 2,
            (
                'asterisk/cdr/Master-20240127.csv: REJECTED by its contract: '
                'expect_column_values_to_be_in_set(disposition): 1 of 2 row(s) unexpected, e.g. '
                "'HUNG UP'; the version loaded at <time> stays loaded. None of its 2 row(s) is "
                'loaded, all are in the quarantine (0 with their own reason, 2 with the '
                "contract's). Fix the export and deliver it again, or load it as it is with: "
                'ccwh ingest --accept asterisk/cdr/Master-20240127.csv; cdr_csv, 2 line(s)'
            ),
            quarantined=(
                (1, 'line 1: file rejected by its contract: '
                 'expect_column_values_to_be_in_set(disposition): 1 of 2 row(s) unexpected, '
                 "e.g. 'HUNG UP'"),
                (2, 'line 2: file rejected by its contract: '
                 'expect_column_values_to_be_in_set(disposition): 1 of 2 row(s) unexpected, '
                 "e.g. 'HUNG UP'"),
            ),
            rows=(
                (1, '1.1'),
            ),
        ),
    ),
)
# fmt: on
# fmt: on
# fmt: on

CASES: tuple[Defect, ...] = (*ENCODINGS, *LINES, *DRIFT, *VALUES, *TIME, *DELIVERY, *VOLUME)
