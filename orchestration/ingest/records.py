"""JSON landing files: one row per record, each with the line it starts on.

A JSON export comes in four shapes, sometimes mixed in one file: one object (a test export,
pretty-printed over many lines), an array of objects, JSON lines (one object per line), and
objects concatenated with no separator at all (Kinesis Firehose writes its S3 files so, often
on one single line). A *record* is a top-level value, or an element of a top-level array.

1. *JSON lines* (every non-blank line is one JSON object) are read by DuckDB alone: the file's
   lines (`reader.read_lines`) are the records; blank lines are whitespace, not records.
2. Everything else is split by Python's JSON decoder, value by value (`split_json`), which
   knows where each value starts. Text that is not JSON becomes one *fragment* up to where the
   next record plausibly starts (a line, or a ``{`` right where the decoder stopped), so one
   truncated or corrupt record costs only itself. Records and fragments are written to a
   JSON-lines work file that DuckDB reads.

Rows are numbered 1, 2, ... in file order (``row_number``, the raw tables' `_row_number`:
a Firehose file can hold every record on line 1); ``line_number`` is the physical line the
row starts on, which the quarantine reports. Every record and every fragment is a row: loaded
or quarantined, never dropped. The values are SQL over the record's JSON text (`RecordLayout`),
exactly as `reader.Layout` is SQL over the fields of a line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .reader import LINES, STAGED, UnreadableFile, lit, read_lines

RECORDS = "_ing_records"

_WHITESPACE = re.compile(r"[ \t\r\n]*")
# where a record may start after a fragment: the start of a line that opens an object or array
_RESYNC = re.compile(r"\n[ \t\r]*[\[{]")


@dataclass(frozen=True)
class RecordLayout:
    """How the records of one JSON file become the columns of its raw table.

    SQL expressions refer to ``record`` (the record's JSON text, VARCHAR) and to the `derived`
    columns, computed in order (a later one may use an earlier one). `problems` are evaluated
    only for records that are JSON objects; NULL or '' means no problem.
    """

    description: str
    values: dict[str, str]
    problems: tuple[str, ...] = ()
    derived: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordStats:
    rows_in: int
    rows_ok: int
    rows_bad: int
    shape: str


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


@dataclass
class _Splitter:
    """State of one pass over a JSON text (see `split_json`)."""

    text: str
    rows: list[tuple[int, str | None, str | None]] = field(default_factory=list)
    line: int = 1
    counted_to: int = 0
    arrays: int = 0

    def line_at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.counted_to, pos)
        self.counted_to = pos
        return self.line

    def skip_ws(self, pos: int) -> int:
        return _WHITESPACE.match(self.text, pos).end()

    def record(self, start: int, end: int) -> None:
        self.rows.append((self.line_at(start), self.text[start:end], None))

    def fragment(self, start: int, error: Exception) -> int:
        """Quarantine text from `start` up to the next plausible record start; return it."""
        stop = getattr(error, "pos", start) or start
        text = self.text
        if stop > start and stop < len(text) and text[stop] in "{[":
            nxt = stop  # `{"a":1{"b":2}`: the decoder stopped where the next object begins
        else:
            found = _RESYNC.search(text, max(stop, start + 1))
            nxt = found.start() + 1 if found else len(text)
        message = getattr(error, "msg", None) or str(error)
        detail = f"not valid JSON ({message})"
        if isinstance(error, json.JSONDecodeError):
            detail = f"not valid JSON ({error.msg}: line {error.lineno} column {error.colno})"
        self.rows.append((self.line_at(start), text[start:nxt].strip(), detail))
        return nxt

    def value(self, pos: int) -> int:
        """Decode one value at `pos` (the elements of an array one by one); return the end."""
        text = self.text
        if text[pos] == "[":
            return self.array(pos)
        try:
            _, end = _DECODER.raw_decode(text, pos)
        except (json.JSONDecodeError, ValueError) as exc:
            return self.fragment(pos, exc)
        self.record(pos, end)
        return end

    def array(self, pos: int) -> int:
        text = self.text
        self.arrays += 1
        p = self.skip_ws(pos + 1)
        if p < len(text) and text[p] == "]":
            return p + 1
        while p < len(text):
            try:
                _, end = _DECODER.raw_decode(text, p)
            except (json.JSONDecodeError, ValueError) as exc:
                return self.fragment(p, exc)
            self.record(p, end)
            p = self.skip_ws(end)
            if p < len(text) and text[p] == ",":
                p = self.skip_ws(p + 1)
                continue
            if p < len(text) and text[p] == "]":
                return p + 1
            if p >= len(text):
                break
            return self.fragment(p, ValueError("expected ',' or ']' after an array element"))
        unclosed = "the array is not closed: the file ends inside it"
        self.rows.append((self.line_at(pos), "", unclosed))
        return len(text)


def split_json(text: str) -> tuple[list[tuple[int, str | None, str | None]], int]:
    """(line, record text, problem) for every record and fragment of a JSON text, in order,
    and how many top-level arrays the text has.

    ``problem`` is None for a record (its text is valid JSON) and the reason for a fragment.
    """
    splitter = _Splitter(text)
    pos = splitter.skip_ws(1 if text.startswith("\ufeff") else 0)
    while pos < len(text):
        pos = splitter.skip_ws(splitter.value(pos))
    return splitter.rows, splitter.arrays


def _is_json_lines(con: duckdb.DuckDBPyConnection) -> bool:
    """Every non-blank line is one JSON object (and there is at least one)."""
    nonblank, objects = con.execute(
        f"""
        SELECT count(*), count(*) FILTER (
            WHERE json_valid(raw_line) AND CASE WHEN json_valid(raw_line)
                                                THEN json_type(raw_line) = 'OBJECT' END)
        FROM {LINES} WHERE NOT regexp_full_match(coalesce(raw_line, ''), '\\s*')
        """
    ).fetchone()
    return nonblank > 0 and nonblank == objects


def read_records(con: duckdb.DuckDBPyConnection, path: Path, work_dir: Path) -> str:
    """Build the temp table `_ing_records` (row_number, line_number, raw_line, record, problem).

    Returns the shape found, for the ledger message.
    """
    read_lines(con, path)
    if _is_json_lines(con):
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {RECORDS} AS
            SELECT row_number() OVER (ORDER BY rowid) AS row_number, rowid + 1 AS line_number,
                   raw_line, raw_line AS record, NULL::VARCHAR AS problem
            FROM {LINES} WHERE NOT regexp_full_match(coalesce(raw_line, ''), '\\s*')
            """
        )
        return "JSON lines"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise UnreadableFile(f"cannot be read as UTF-8 text: {exc}") from exc
    rows, arrays = split_json(text)
    work = work_dir / "records.jsonl"
    with work.open("w", encoding="utf-8") as handle:
        handle.writelines(
            json.dumps({"n": n, "line": line, "text": body, "problem": problem}) + "\n"
            for n, (line, body, problem) in enumerate(rows, start=1)
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {RECORDS} AS
        SELECT n AS row_number, line AS line_number, coalesce(text, '') AS raw_line,
               CASE WHEN problem IS NULL THEN text END AS record, problem
        FROM read_json({lit(str(work))}, format = 'newline_delimited',
                       columns = {{'n': 'BIGINT', 'line': 'BIGINT', 'text': 'VARCHAR',
                                  'problem': 'VARCHAR'}},
                       maximum_object_size = {max(16 << 20, 2 * len(text) + 4096)})
        """
    )
    n_lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if arrays:
        return f"JSON array ({len(rows)} element(s))" if arrays == 1 else f"{arrays} JSON arrays"
    if len(rows) == 1:
        return f"one JSON value over {n_lines} line(s)"
    return f"{len(rows)} JSON values over {n_lines} line(s), concatenated"


def stage_records(
    con: duckdb.DuckDBPyConnection, path: Path, layout: RecordLayout, work_dir: Path
) -> RecordStats:
    """Build the temp table `_ing_staged` (row_number, line_number, raw_line, problem, values).

    Same contract as `reader.stage`: ``problem`` is NULL for a row to load, else the reason.
    """
    shape = read_records(con, path, work_dir)
    derived = "".join(f",\n            ({expr}) AS {name}" for name, expr in layout.derived.items())
    problems = ", ".join(layout.problems) or "NULL"
    values = ",\n            ".join(f"({expr}) AS {name}" for name, expr in layout.values.items())
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {STAGED} AS
        WITH typed AS (
            SELECT *, CASE WHEN record IS NOT NULL THEN json_type(record) END AS record_type
            FROM {RECORDS}
        ),
        objects AS (
            SELECT * REPLACE (CASE WHEN record_type = 'OBJECT' THEN record END AS record)
            FROM typed
        ),
        derived AS (
            SELECT *{derived}
            FROM objects
        ),
        checked AS (
            SELECT *,
                CASE
                    WHEN problem IS NOT NULL THEN problem
                    WHEN record_type <> 'OBJECT' THEN 'a JSON ' || CASE
                        WHEN record_type IN ('UBIGINT', 'BIGINT', 'DOUBLE') THEN 'number'
                        WHEN record_type = 'VARCHAR' THEN 'string'
                        ELSE lower(record_type) END || ', not an object'
                    ELSE nullif(concat_ws('; ', {problems}), '')
                END AS row_problem
            FROM derived
        )
        SELECT row_number, line_number, raw_line, row_problem AS problem,
            {values}
        FROM checked
        """
    )
    rows_in, rows_bad = con.execute(f"SELECT count(*), count(problem) FROM {STAGED}").fetchone()
    return RecordStats(int(rows_in), int(rows_in) - int(rows_bad), int(rows_bad), shape)


def drop_record_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {RECORDS}")


# --- SQL building blocks over a record's JSON ------------------------------------------------

_ISO_TS = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?"


def json_text(path: str) -> str:
    """The value at a JSONPath as text (objects and arrays as JSON), NULL when absent or null."""
    return f"json_extract_string(record, {lit(path)})"


def iso_timestamp_value(field_sql: str) -> str:
    """UTC naive TIMESTAMP from an ISO 8601 text: with ``Z`` or an offset it is converted to
    UTC; without one it is taken as UTC already (Amazon Connect always writes ``Z``)."""
    return (
        f"CASE WHEN regexp_full_match({field_sql}, '{_ISO_TS}(Z|[+-]\\d{{2}}:?\\d{{2}})') "
        f"THEN timezone('UTC', try_cast({field_sql} AS TIMESTAMPTZ)) "
        f"WHEN regexp_full_match({field_sql}, '{_ISO_TS}') "
        f"THEN try_cast({field_sql} AS TIMESTAMP) END"
    )


def iso_timestamp_problem(field_sql: str, name: str, value: str) -> str:
    return (
        f"CASE WHEN {field_sql} IS NOT NULL AND {value} IS NULL THEN "
        f"'{name} is not an ISO 8601 timestamp: ''' || left({field_sql}, 80) || '''' END"
    )


def json_int_value(field_sql: str) -> str:
    """A whole number (JSON 86 or 86.0) as INTEGER; NULL when absent or not whole."""
    return (
        f"CASE WHEN regexp_full_match({field_sql}, '-?[0-9]{{1,9}}(\\.0+)?') "
        f"THEN try_cast(try_cast({field_sql} AS DOUBLE) AS INTEGER) END"
    )


def json_int_problem(field_sql: str, name: str, value: str) -> str:
    return (
        f"CASE WHEN {field_sql} IS NOT NULL AND {value} IS NULL THEN "
        f"'{name} is not a whole number: ''' || left({field_sql}, 80) || '''' END"
    )
