"""Asterisk extracts: queue_log (file format and realtime-table exports) and cdr_csv.

Each function returns the `Layout` of one file: how DuckDB reads its fields and the SQL that
turns them into the columns of `raw_asterisk.queue_log` or `raw_asterisk.cdr`. Which layout
applies is decided per file from its first line, because a landing folder may hold logrotated
files of the PBX next to a database export of the same log.
"""

from __future__ import annotations

import csv
import re

from .reader import (
    MAX_EPOCH,
    Dialect,
    Layout,
    UnreadableFile,
    empty_problem,
    epoch_problem,
    epoch_to_timestamp,
    int_problem,
    int_value,
    lit,
    nonempty,
    shown,
    timestamp_problem,
    timestamp_value,
)

QUEUE_LOG_DATA_FIELDS = 5
_FILE_FORMAT_LINE = re.compile(r"^\s*\d+(\.\d+)?\|")
_SLACK = 2  # fields read beyond the most a valid line has, so longer lines can be counted


def parse_header(line: str) -> list[str]:
    """Column names of a CSV header line, lower-case and stripped."""
    return [name.strip().lower() for name in next(csv.reader([line]), [])]


def header_names(line: str) -> list[str]:
    """Column names of a CSV header line as written (stripped)."""
    return [name.strip() for name in next(csv.reader([line]), [])]


def extra_fields_json(columns: list[tuple[int, str]], field: str = "f{}") -> str:
    """SQL: the fields at 1-based `columns` as a JSON object keyed by their header names, so
    columns a raw table has no place for are kept (NULL when there are none)."""
    if not columns:
        return "NULL::VARCHAR"
    pairs = ", ".join(f"{lit(name)}, {field.format(i)}" for i, name in columns)
    return f"json_object({pairs})::VARCHAR"


# --- queue_log -----------------------------------------------------------------------------


def queue_log_layout(first_line: str | None) -> tuple[Layout, str]:
    """The layout of a queue_log file given its first non-blank line, and a description.

    A line that starts with digits and '|' is the file format (no header); a CSV header with an
    ``event`` column is a realtime-table export (PBXware's or Asterisk's). Anything else is not
    a queue_log this loader knows, and the file fails with the line quoted.
    """
    if first_line is None or _FILE_FORMAT_LINE.match(first_line):
        return queue_log_file_layout(), "queue_log file format"
    header = parse_header(first_line)
    if "event" in header:
        return queue_log_realtime_layout(header, header_names(first_line))
    raise UnreadableFile(
        "the first line is neither a queue_log file-format line (epoch|callid|queue|agent|"
        "EVENT|data...) nor a realtime-table CSV header with an 'event' column: "
        f"{first_line[:120]!r}"
    )


def queue_log_file_layout() -> Layout:
    """``epoch|callid|queue|agent|EVENT|data1|...|data5``: 5 to 10 fields, never quoted."""
    most = 5 + QUEUE_LOG_DATA_FIELDS
    expected = "expected 5 to 10 '|'-separated fields (epoch|callid|queue|agent|event|data1..5)"
    values = {
        "event_epoch": "epoch",
        "event_at": epoch_to_timestamp("epoch"),
        "callid": nonempty("f2"),
        "queuename": nonempty("f3"),
        "agent": nonempty("f4"),
        "event": nonempty("f5"),
        **{f"data{i}": nonempty(f"f{5 + i}") for i in range(1, QUEUE_LOG_DATA_FIELDS + 1)},
        "source_uid": "NULL::BIGINT",
        "entpos": "NULL::INTEGER",
        "expos": "NULL::INTEGER",
        "htime": "NULL::INTEGER",
        "ttime": "NULL::INTEGER",
        "source_local_time": "NULL::VARCHAR",
        "source_format": "'file'",
        "extra_fields": "NULL::VARCHAR",
    }
    return Layout(
        description="an Asterisk queue_log (file format)",
        dialect=Dialect(delim="|"),
        fields_read=most + _SLACK,
        header_lines=0,
        count_problem=(
            f"CASE WHEN n_fields NOT BETWEEN 5 AND {most} "
            f"THEN {lit(expected + ', found ')} || n_fields END"
        ),
        field_problems=(
            empty_problem("f1", "epoch", "an event without a time cannot be placed"),
            epoch_problem("f1", "epoch", "epoch"),
            empty_problem("f5", "event"),
        ),
        values=values,
        too_many_fields=f"{expected}, found more than {most + _SLACK}",
        derived={"epoch": int_value("f1")},
        min_fields=5,
        complete_lines=True,
    )


# canonical column -> header names that carry it, first match wins
_REALTIME_ALIASES: dict[str, tuple[str, ...]] = {
    "uid": ("uid", "id"),
    "callid": ("callid",),
    "queuename": ("queuename", "queue_name", "queue"),
    "agent": ("agent", "type"),  # PBXware names the member column 'type'
    "event": ("event",),
    "data1": ("data1", "param1"),
    "data2": ("data2", "param2"),
    "data3": ("data3", "param3"),
    "data4": ("data4", "param4"),
    "data5": ("data5", "param5"),
    "data": ("data",),  # old schema: one column, parameters joined by '|'
    "entpos": ("entpos",),
    "expos": ("expos",),
    "htime": ("htime",),
    "ttime": ("ttime",),
}


def _realtime_time_value(f: str) -> str:
    """Asterisk's realtime ``time``: Unix seconds (maybe with a fraction) or a UTC timestamp."""
    return (
        f"CASE WHEN regexp_full_match({f}, '[0-9]{{1,19}}(\\.[0-9]+)?') "
        f"THEN try_cast(split_part({f}, '.', 1) AS BIGINT) "
        f"ELSE try_cast(floor(epoch({timestamp_value(f)})) AS BIGINT) END"
    )


def queue_log_realtime_layout(
    header: list[str], original: list[str] | None = None
) -> tuple[Layout, str]:
    """A CSV export of the realtime queue_log table, columns found by name in the header.

    PBXware (``uid, date_time, ..., time``): ``date_time`` is the Unix time of the event and
    ``time`` the PBX's local clock, kept as ``source_local_time``. Asterisk
    (``time, callid, queuename, agent, event, data1..5``): ``time`` is UTC, as Unix seconds or
    'YYYY-MM-DD HH:MM:SS'. Columns that are neither (a newer PBX version's, a custom one) are
    kept in ``extra_fields``, a JSON object keyed by their header names.
    """
    original = original or header
    index = {name: i + 1 for i, name in reversed(list(enumerate(header)))}
    col: dict[str, str] = {}
    for canonical, aliases in _REALTIME_ALIASES.items():
        for alias in aliases:
            if alias in index:
                col[canonical] = f"f{index[alias]}"
                break
    pbxware = "date_time" in index
    time_name = "date_time" if pbxware else "time"
    missing = [
        name
        for name, present in (
            (time_name, time_name in index),
            ("callid", "callid" in col),
            ("queuename", "queuename" in col),
            ("agent", "agent" in col),
        )
        if not present
    ]
    if missing:
        raise UnreadableFile(
            f"the realtime queue_log header lacks column(s) {', '.join(missing)}; "
            f"found: {', '.join(header)}"
        )
    t = f"f{index[time_name]}"
    h = len(header)
    used = {int(f[1:]) for f in col.values()} | {index[time_name]}
    if pbxware and "time" in index:
        used.add(index["time"])
    extra = [(i, original[i - 1]) for i in range(1, h + 1) if i not in used]
    derived: dict[str, str] = {}
    problems: list[str] = []

    problems.append(empty_problem(t, time_name, "an event without a time cannot be placed"))
    if "event" in col:
        problems.append(empty_problem(col["event"], "event"))
    if pbxware:
        derived["epoch"] = int_value(t)
        problems.append(epoch_problem(t, "date_time", "epoch"))
        local_time = nonempty(f"f{index['time']}") if "time" in index else "NULL"
    else:
        derived["epoch"] = _realtime_time_value(t)
        problems.append(
            f"CASE WHEN {t} <> '' AND coalesce(epoch NOT BETWEEN 0 AND {MAX_EPOCH}, true) "
            "THEN 'field ''time'' is neither a Unix time nor a UTC timestamp "
            f"''YYYY-MM-DD HH:MM:SS'': ' || {shown(t)} END"
        )
        local_time = "NULL"

    integers = {"uid": "BIGINT", "entpos": "INTEGER", "expos": "INTEGER", "htime": "INTEGER",
                "ttime": "INTEGER"}  # fmt: skip
    for name, sql_type in integers.items():
        if name in col:
            derived[f"v_{name}"] = int_value(col[name], sql_type)
            label = header[int(col[name][1:]) - 1]
            problems.append(int_problem(col[name], label, f"v_{name}", sql_type))

    def data(i: int) -> str:
        if f"data{i}" in col:
            return nonempty(col[f"data{i}"])
        if "data" in col:
            return f"nullif(split_part({col['data']}, '|', {i}), '')"
        return "NULL"

    values = {
        "event_epoch": "epoch",
        "event_at": epoch_to_timestamp("epoch"),
        "callid": nonempty(col["callid"]),
        "queuename": nonempty(col["queuename"]),
        "agent": nonempty(col["agent"]),
        "event": nonempty(col["event"]),
        **{f"data{i}": data(i) for i in range(1, QUEUE_LOG_DATA_FIELDS + 1)},
        "source_uid": "v_uid" if "uid" in col else "NULL",
        **{name: f"v_{name}" if name in col else "NULL" for name in list(integers)[1:]},
        "source_local_time": local_time,
        "source_format": "'realtime_table'",
        "extra_fields": extra_fields_json(extra),
    }
    expected = f"expected {h} fields as in the header"
    kind = "PBXware" if pbxware else "Asterisk"
    layout = Layout(
        description=f"a {kind} realtime queue_log table export",
        dialect=Dialect(delim=",", quote='"'),
        fields_read=h + _SLACK,
        header_lines=1,
        count_problem=(
            f"CASE WHEN n_fields <> {h} THEN {lit(expected + ', found ')} || n_fields END"
        ),
        field_problems=tuple(problems),
        values=values,
        too_many_fields=f"{expected}, found more than {h + _SLACK}",
        derived=derived,
        min_fields=h,
    )
    kept = f"; kept in extra_fields: {', '.join(n for _, n in extra)}" if extra else ""
    return layout, f"queue_log realtime table ({kind} columns{kept})"


# --- cdr_csv -------------------------------------------------------------------------------

CDR_FIELDS_18 = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    "uniqueid", "userfield",
)  # fmt: skip
CDR_FIELDS_21 = (*CDR_FIELDS_18, "peeraccount", "linkedid", "sequence")
_CDR_HEADER_WORDS = frozenset(CDR_FIELDS_21) | {"calldate", "call_start", "call_end"}


def cdr_has_header(first_line: str | None) -> bool:
    """cdr_csv has no header, but exports made by hand often add one: three known names say so."""
    if not first_line:
        return False
    return len(_CDR_HEADER_WORDS.intersection(parse_header(first_line))) >= 3


def cdr_layout(has_header: bool) -> Layout:
    """Asterisk ``cdr_csv``: 18 fields, or 21 with peeraccount, linkedid, sequence.

    start/answer/end stay the PBX's local time, naive, as written (dbt converts with the site's
    time zone); an empty answer (unanswered call) is NULL.
    """
    f = {name: f"f{i}" for i, name in enumerate(CDR_FIELDS_21, start=1)}
    text = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
            "lastdata", "disposition", "amaflags", "uniqueid", "userfield", "peeraccount",
            "linkedid")  # fmt: skip
    timestamps = {"call_start": "start", "call_answer": "answer", "call_end": "end"}
    integers = ("duration", "billsec", "sequence")
    derived = {col: timestamp_value(f[field]) for col, field in timestamps.items()}
    derived.update({name: int_value(f[name], "INTEGER") for name in integers})
    values = {name: nonempty(f[name]) for name in text}
    values.update({name: name for name in (*timestamps, *integers)})
    values["column_count"] = "n_fields"
    values["source_format"] = "'cdr_csv'"
    values["extra_fields"] = "NULL::VARCHAR"
    problems = (
        *(timestamp_problem(f[field], field, col) for col, field in timestamps.items()),
        *(int_problem(f[name], name, name) for name in integers),
        *cdr_duration_problems("duration", "billsec"),
    )
    expected = "expected 18 or 21 fields (Asterisk cdr_csv)"
    most = len(CDR_FIELDS_21)
    return Layout(
        description="an Asterisk cdr_csv file",
        dialect=Dialect(delim=",", quote='"'),
        fields_read=most + _SLACK,
        header_lines=1 if has_header else 0,
        count_problem=(
            f"CASE WHEN n_fields NOT IN (18, 21) THEN {lit(expected + ', found ')} || n_fields END"
        ),
        field_problems=problems,
        values=values,
        too_many_fields=f"{expected}, found more than {most + _SLACK}",
        derived=derived,
        min_fields=len(CDR_FIELDS_18),
        complete_lines=not has_header,
    )


def cdr_duration_problems(duration: str, billsec: str) -> tuple[str, ...]:
    """Durations no call can have: negative, or more billed (answered) seconds than seconds.

    Asterisk: duration = end - start, billsec = end - answer, and answer is not before start.
    A row that breaks this is quarantined (the marts would count it wrongly); a clock change
    cannot cause it, both are differences of the same clock.
    """
    return (
        f"CASE WHEN {duration} < 0 THEN 'field ''duration'' is negative: ' || {duration} END",
        f"CASE WHEN {billsec} < 0 THEN 'field ''billsec'' is negative: ' || {billsec} END",
        f"CASE WHEN {billsec} > {duration} AND {billsec} >= 0 AND {duration} >= 0 THEN "
        f"'billsec (' || {billsec} || ') is greater than duration (' || {duration} || "
        "'): impossible, the answered part of a call is part of it' END",
    )


def cdr_is_positional_header(first_line: str | None) -> bool:
    """A header line that names exactly the cdr_csv columns in their order (18 or 21)."""
    header = tuple(parse_header(first_line or ""))
    return header in (CDR_FIELDS_18, CDR_FIELDS_21)


# raw column -> header names that carry it in CDR exports with a header, first match wins
_CDR_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "call_start": ("start", "calldate", "call_start"),
    "call_answer": ("answer", "call_answer"),
    "call_end": ("end", "call_end"),
    **{name: (name,) for name in CDR_FIELDS_21 if name not in ("start", "answer", "end")},
}
_CDR_HEADER_REQUIRED = ("call_start", "duration", "billsec", "disposition")

# PBXware's database export writes the caller id `"Agent 01" <1115>` as `""Agent 01" <1115>"`:
# the field's quotes are not doubled, so a CSV reader ends the field after `"Agent 01`. In valid
# CSV `""` followed by anything but a separator cannot occur, so the repair cannot touch a
# correct field; it keeps the quote parity (4 quotes become 6).
BROKEN_CALLERID_QUOTING = (
    r'(^|,)""([^",]*)" <([^<>",]*)>"(,|$)',
    r'\1"""\2"" <\3>"\4',
    'caller ids exported as ""Name" <number>" read as "Name" <number>',
)


def cdr_header_layout(first_line: str) -> tuple[Layout, str]:
    """A CDR export with a header whose columns are found by name (any order, extra columns).

    PBXware's CDR table (``AcctId, tenant, clid, src, ..., calldate, duration, billsec, ...``)
    is the known case. ``calldate`` (or ``start``) is the call's start in the PBX's local time;
    when the export has no ``end`` / ``answer`` columns they follow from Asterisk's own
    definitions (duration = end - start, billsec = end - answer): end = start + duration, and
    answer = end - billsec for ANSWERED calls. The literal ``NULL`` that database dumps write
    for SQL NULL is read as NULL. Columns without a cdr_csv counterpart are kept in
    ``extra_fields`` (a JSON object keyed by their header names).
    """
    original = [name.strip() for name in next(csv.reader([first_line]), [])]
    header = [name.lower() for name in original]
    index = {name: i + 1 for i, name in reversed(list(enumerate(header)))}
    col: dict[str, int] = {}
    for raw, aliases in _CDR_HEADER_ALIASES.items():
        for alias in aliases:
            if alias in index:
                col[raw] = index[alias]
                break
    missing = [raw for raw in _CDR_HEADER_REQUIRED if raw not in col]
    if missing:
        raise UnreadableFile(
            "the CDR header lacks column(s) for "
            + ", ".join(f"{raw} ({'/'.join(_CDR_HEADER_ALIASES[raw])})" for raw in missing)
            + f"; found: {', '.join(original)}"
        )
    used = set(col.values())
    extra = [(i, original[i - 1]) for i in range(1, len(header) + 1) if i not in used]

    def c(i: int) -> str:
        return f"c{i}"

    # every field once: '' and the literal NULL are NULL
    derived = {c(i): f"CASE WHEN f{i} IN ('', 'NULL') THEN NULL ELSE f{i} END"
               for i in range(1, len(header) + 1)}  # fmt: skip
    problems: list[str] = []
    for name in ("call_start", "call_answer", "call_end"):
        if name in col:
            derived[f"v_{name}"] = timestamp_value(c(col[name]))
            problems.append(timestamp_problem(c(col[name]), original[col[name] - 1], f"v_{name}"))
    for name in ("duration", "billsec", "sequence"):
        if name in col:
            derived[f"v_{name}"] = int_value(c(col[name]), "INTEGER")
            problems.append(int_problem(c(col[name]), original[col[name] - 1], f"v_{name}"))
    problems.extend(cdr_duration_problems("v_duration", "v_billsec"))

    def value(name: str) -> str:
        return f"v_{name}" if name in col else "NULL"

    text = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
            "lastdata", "disposition", "amaflags", "uniqueid", "userfield", "peeraccount",
            "linkedid")  # fmt: skip
    end = value("call_end") if "call_end" in col else "v_call_start + to_seconds(v_duration)"
    answer = (
        value("call_answer")
        if "call_answer" in col
        else f"CASE WHEN {c(col['disposition'])} = 'ANSWERED' "
        f"THEN ({end}) - to_seconds(v_billsec) END"
    )
    extra_json = (
        "json_object(" + ", ".join(f"{lit(name)}, {c(i)}" for i, name in extra) + ")::VARCHAR"
        if extra
        else "NULL::VARCHAR"
    )
    values = {
        **{name: c(col[name]) if name in col else "NULL" for name in text},
        "call_start": "v_call_start",
        "call_answer": answer,
        "call_end": end,
        "duration": "v_duration",
        "billsec": "v_billsec",
        "sequence": value("sequence"),
        "column_count": "n_fields",
        "source_format": "'header_named'",
        "extra_fields": extra_json,
    }
    h = len(header)
    expected = f"expected {h} fields as in the header"
    layout = Layout(
        description="a CDR export with a header",
        dialect=Dialect(delim=",", quote='"'),
        fields_read=h + _SLACK,
        header_lines=1,
        count_problem=(
            f"CASE WHEN n_fields <> {h} THEN {lit(expected + ', found ')} || n_fields END"
        ),
        field_problems=tuple(problems),
        values=values,
        too_many_fields=f"{expected}, found more than {h + _SLACK}",
        derived=derived,
        line_repairs=(BROKEN_CALLERID_QUOTING,),
        min_fields=h,
    )
    details = []
    if "call_end" not in col:
        details.append("end = start + duration")
    if "call_answer" not in col:
        details.append("answer = end - billsec for ANSWERED")
    details.append(f"kept in extra_fields: {', '.join(n for _, n in extra) or 'none'}")
    return layout, f"CDR with a header, columns by name ({'; '.join(details)})"
