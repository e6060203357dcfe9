"""Turn one landing file into staged rows: every physical line loaded or given a reason.

DuckDB's CSV reader does the parsing, in two scans of the file (a file that is not valid UTF-8
or mixes CRLF and LF line ends is first rewritten by `files.write_repaired_copy`, line for
line, because the reader would reject those lines or the whole file):

1. *lines*: the file as one VARCHAR column (no quoting, an impossible delimiter), so every
   physical line becomes exactly one row in file order. This gives the line numbers, the raw
   text of every line for the quarantine, and the blank lines.
2. *fields*: the file with the format's delimiter and quoting, all columns VARCHAR, a few more
   columns declared than a valid line has (so a line with too many fields is still read and can
   be reported with its count), ``null_padding`` (so a short line is read too; with an
   impossible ``nullstr`` an empty field is '' and only padding is NULL, which gives the field
   count), and ``store_rejects`` for what the reader still refuses.

The reader returns no line numbers, so records are matched to lines by position: the reader
skips empty lines and the header, and drops the lines it rejects (their line numbers are in the
rejects table); the k-th record is the k-th remaining line. That holds only while every record
is one line, which is how Asterisk writes all these formats. A line with an odd number of double
quotes would make the reader run on into the next lines, so such lines are quarantined up front
and blanked in a copy that the reader reads instead. The match is then checked (record count
and first field); if it still does not hold, the file fails loudly rather than load rows under
the wrong line numbers.

Typed values and problems are SQL over the VARCHAR fields (see `Layout`): a value that is
empty becomes NULL and is loaded (the Great Expectations suites report required fields that are
missing); a value that is present but does not parse as its column's type puts the line in
quarantine with a reason naming the field and the value.

Blank lines (empty or whitespace only) are physical lines of the file, so they are counted in
``rows_in`` and quarantined with the reason "blank line"; nothing the file contains disappears
without a trace. A header line is not a row. A final newline does not start a line.

Lines that no record can be read from are quarantined before the fields are read (and blanked
in the copy the reader reads, like unbalanced quotes): a line with NUL bytes (a crash or a disk
error leaves blocks of them; UTF-16 text read as bytes has one every other byte), and a line
longer than `MAX_LINE_CHARS` (DuckDB's reader would otherwise fail the whole file on it). A
line whose fields are separated by another character than the layout's (';' or tabs in a '|'
file) gets that as its reason. The last line of a file that does not end with a line end was
cut while being written: in a file the PBX writes itself (`Layout.complete_lines`) it is
quarantined even if it parses (a cut number still parses), elsewhere its reason says so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import duckdb

LINES = "_ing_lines"
PARSED = "_ing_parsed"
STAGED = "_ing_staged"
REJECT_ERRORS = "_ing_reject_errors"
REJECT_SCANS = "_ing_reject_scans"

# Never present in text files: one column per line, and empty fields stay ''.
_LINE_DELIM = "\x01\x02\x03\x04"
_NO_NULL = "\x01\x02\x03"
# The longest line a delimited record may be (characters). Longer lines are quarantined, not
# read: a PBX or CRM line is a few hundred characters; a megabyte is binary data or line ends
# lost (a whole file on one line). Lines of any length up to `MAX_READ_LINE_BYTES` are read.
MAX_LINE_CHARS = 1 << 20
MAX_READ_LINE_BYTES = 256 << 20


class UnreadableFile(Exception):
    """The file as a whole cannot be loaded; the message says why and what to do."""


@dataclass(frozen=True)
class Dialect:
    """How fields are separated and quoted. ``quote=''`` means fields are never quoted."""

    delim: str
    quote: str = ""


@dataclass(frozen=True)
class Layout:
    """How the fields of one file become the columns of its raw table.

    SQL expressions refer to the fields as ``f1 .. fN`` (VARCHAR, '' when empty, NULL when the
    line has fewer fields), to ``n_fields`` (how many fields the line has) and to the `derived`
    columns, computed once per row before problems and values (a typed value is typically used
    by both, and each parse costs a regular expression on every row).
    """

    description: str
    dialect: Dialect
    fields_read: int
    header_lines: int
    count_problem: str
    field_problems: tuple[str, ...]
    values: dict[str, str]
    too_many_fields: str
    derived: dict[str, str] = dataclasses.field(default_factory=dict)
    # Known export defects repaired line by line before the fields are read, as
    # (regular expression, replacement, what it repairs): the reader reads a copy with every
    # line after the header rewritten by ``regexp_replace(line, pattern, replacement, 'g')``.
    # A repair must keep the line's quote parity and never add or remove a line.
    line_repairs: tuple[tuple[str, str, str], ...] = ()
    # the fewest fields a valid line has (a line with fewer separators may use another one)
    min_fields: int = 1
    # written by the PBX itself, which ends every line: a last line without a line end was cut
    complete_lines: bool = False


@dataclass(frozen=True)
class StageStats:
    rows_in: int
    rows_ok: int
    rows_bad: int
    notes: tuple[str, ...] = ()


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _line_size_options(path: Path) -> str:
    """read_csv options that let a line be as long as the file (up to `MAX_READ_LINE_BYTES`):
    DuckDB's default maximum (2 MB) would fail the whole file on one over-long line."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    most = min(max(size + 1, 2 << 20), MAX_READ_LINE_BYTES)
    return f"max_line_size = {most}, buffer_size = {max(most + 1024, 32 << 20)}"


def read_lines(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Scan 1: one row per physical line, in file order (line number = rowid + 1)."""
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {LINES} AS
            SELECT line AS raw_line
            FROM read_csv({lit(str(path))}, columns = {{'line': 'VARCHAR'}},
                          delim = {lit(_LINE_DELIM)}, quote = '', escape = '',
                          header = false, auto_detect = false, {_line_size_options(path)})
            """
        )
    except duckdb.Error as exc:
        raise UnreadableFile(f"DuckDB cannot read it as text lines: {_first_line(exc)}") from exc
    return int(con.execute(f"SELECT count(*) FROM {LINES}").fetchone()[0])


def line_text(con: duckdb.DuckDBPyConnection, line_number: int) -> str | None:
    """The text of one physical line (None when the file is shorter)."""
    row = con.execute(f"SELECT raw_line FROM {LINES} WHERE rowid = ?", [line_number - 1]).fetchone()
    return None if row is None else (row[0] or "")


def first_nonblank_line(con: duckdb.DuckDBPyConnection) -> tuple[int, str] | None:
    row = con.execute(
        f"SELECT rowid + 1, raw_line FROM {LINES} "
        "WHERE NOT regexp_full_match(coalesce(raw_line, ''), '\\s*') ORDER BY rowid LIMIT 1"
    ).fetchone()
    return None if row is None else (int(row[0]), row[1])


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _odd_quotes(dialect: Dialect, column: str) -> str:
    if not dialect.quote:
        return "false"
    q = lit(dialect.quote)
    return f"(length({column}) - length(replace({column}, {q}, ''))) % 2 = 1"


def _unreadable(dialect: Dialect, column: str) -> str:
    """SQL: the line cannot be given to the field reader (it is quarantined before)."""
    nul = f"contains({column}, chr(0))"
    long = f"length({column}) > {MAX_LINE_CHARS}"
    return f"({_odd_quotes(dialect, column)} OR {nul} OR {long})"


_SEPARATOR_NAMES = {";": "';'", "\t": "tabs", ",": "','", "|": "'|'"}


def _separator_problem(layout: Layout, column: str) -> str:
    """SQL: why a line seems to use another field separator than the layout's, else NULL.

    Only for a line with fewer of the layout's separators than its fewest fields need (such a
    line fails anyway): the reason names the separator it has enough of instead.
    """
    need = layout.min_fields - 1
    delim = layout.dialect.delim
    if need < 1:
        return "NULL"

    def count(ch: str) -> str:
        return f"(length({column}) - length(replace({column}, {lit(ch)}, '')))"

    expected = _SEPARATOR_NAMES.get(delim, lit(delim))
    cases = " ".join(
        f"WHEN {count(ch)} >= {need} THEN {lit(f'the fields are separated by {name}, not ')} "
        f"|| {lit(expected)} || ' (' || ({count(ch)} + 1) || ' fields): a line of another "
        "export, or edited by hand'"
        for ch, name in _SEPARATOR_NAMES.items()
        if ch != delim
    )
    return f"CASE WHEN {count(delim)} < {need} THEN CASE {cases} END END"


def _nul_reason(column: str) -> str:
    nuls = f"(length({column}) - length(replace({column}, chr(0), '')))"
    return (
        f"'contains ' || {nuls} || ' NUL byte(s) (0x00): the file is damaged here (a crash or "
        "a disk error leaves blocks of NUL bytes)' || CASE WHEN 2 * "
        f"{nuls} >= length({column}) - 1 AND {nuls} < length({column}) THEN "
        "'; one every other byte: UTF-16 text without a "
        "byte-order mark? export it as UTF-8' ELSE '' END"
    )


def _field_count_sql(n: int) -> str:
    return " + ".join(f"(f{i} IS NOT NULL)::INTEGER" for i in range(1, n + 1))


def _read_fields(con: duckdb.DuckDBPyConnection, path: Path, layout: Layout) -> None:
    """Scan 2: the fields of every record, VARCHAR, with rejects stored for reporting."""
    d = layout.dialect
    columns = ", ".join(f"'f{i}': 'VARCHAR'" for i in range(1, layout.fields_read + 1))
    quoting = (
        f"quote = {lit(d.quote)}, escape = {lit(d.quote)}, parallel = false"
        if d.quote
        else "quote = '', escape = ''"
    )
    for table in (REJECT_ERRORS, REJECT_SCANS):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {PARSED} AS
            SELECT * FROM read_csv({lit(str(path))}, columns = {{{columns}}},
                delim = {lit(d.delim)}, {quoting}, header = false,
                skip = {layout.header_lines}, auto_detect = false, null_padding = true,
                nullstr = {lit(_NO_NULL)}, store_rejects = true,
                rejects_table = {lit(REJECT_ERRORS)}, rejects_scan = {lit(REJECT_SCANS)})
            """
        )
    except duckdb.Error as exc:
        raise UnreadableFile(
            f"DuckDB cannot read it as {layout.description}: {_first_line(exc)}"
        ) from exc
    con.execute(  # the reader creates it only when it has something to store
        f"CREATE TEMP TABLE IF NOT EXISTS {REJECT_ERRORS} "
        "(line BIGINT, error_type VARCHAR, error_message VARCHAR)"
    )


def _repaired(layout: Layout, column: str) -> str:
    """SQL: the line with the layout's `line_repairs` applied (the line itself without any)."""
    expr = f"coalesce({column}, '')"
    for pattern, replacement, _ in layout.line_repairs:
        expr = f"regexp_replace({expr}, {lit(pattern)}, {lit(replacement)}, 'g')"
    return expr


def _write_blanked_copy(con: duckdb.DuckDBPyConnection, layout: Layout, dest: Path) -> None:
    """Copy of the file with unreadable lines (unbalanced quotes, NUL bytes, over-long) blanked,
    so the reader stays on its line, and the layout's line repairs applied to the lines after
    the header."""
    odd = _unreadable(layout.dialect, "raw_line")
    con.execute(
        f"""
        COPY (
            SELECT CASE WHEN rowid < {layout.header_lines} THEN coalesce(raw_line, '')
                        WHEN {odd} THEN ''
                        ELSE {_repaired(layout, "raw_line")} END
            FROM {LINES} ORDER BY rowid
        ) TO {lit(str(dest))}
        (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER {lit(_LINE_DELIM)})
        """
    )


def _reject_reason(layout: Layout) -> str:
    return f"""CASE error_type
        WHEN 'TOO MANY COLUMNS' THEN {lit(layout.too_many_fields)}
        WHEN 'UNQUOTED VALUE' THEN
            'malformed quoting: a quoted field is followed by other characters'
        WHEN 'INVALID ENCODING' THEN 'not valid UTF-8'
        WHEN 'LINE SIZE OVER MAXIMUM' THEN 'line is longer than the CSV reader''s maximum'
        ELSE 'the CSV reader rejected it (' || error_type || '): ' || error_message
    END"""


TRUNCATED = (
    "truncated: the last line has no line end (the file was copied while the PBX was still "
    "writing it); the complete line loads when the file is delivered again"
)
LAST_LINE_OPEN = " (the last line has no line end: the file may have been cut while written)"


def stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    layout: Layout,
    work_dir: Path,
    last_line_open: bool = False,
) -> StageStats:
    """Build the temp table `_ing_staged` (line_number, raw_line, problem, raw columns...).

    Requires `read_lines` to have run on the same file. ``problem`` is NULL for a row to load,
    otherwise the reason it goes to quarantine (without the "line N: " prefix).
    `last_line_open`: the file does not end with a line end (`files.FileScan`).
    """
    notes: list[str] = []
    h = layout.header_lines
    odd = _unreadable(layout.dialect, "raw_line")
    quotes = _odd_quotes(layout.dialect, "raw_line")
    n_odd, n_quotes, n_nul, n_long = (
        int(v)
        for v in con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {quotes}), "
            "count(*) FILTER (WHERE contains(raw_line, chr(0))), "
            f"count(*) FILTER (WHERE length(raw_line) > {MAX_LINE_CHARS}) "
            f"FROM {LINES} WHERE rowid >= {h} AND {odd}"
        ).fetchone()
    )
    source = path
    n_repaired = 0
    if layout.line_repairs:
        n_repaired = int(
            con.execute(
                f"SELECT count(*) FROM {LINES} WHERE rowid >= {h} AND NOT {odd} "
                f"AND {_repaired(layout, 'raw_line')} <> coalesce(raw_line, '')"
            ).fetchone()[0]
        )
    if n_odd or n_repaired:
        source = work_dir / "blanked.txt"
        _write_blanked_copy(con, layout, source)
    if n_quotes:
        notes.append(f"{n_quotes} line(s) with unbalanced double quotes quarantined")
    if n_nul:
        notes.append(f"{n_nul} line(s) with NUL bytes quarantined (the file is damaged)")
    if n_long:
        notes.append(f"{n_long} line(s) longer than {MAX_LINE_CHARS:,} characters quarantined")
    if n_repaired:
        what = "; ".join(description for _, _, description in layout.line_repairs)
        notes.append(f"{n_repaired} line(s) repaired before reading ({what})")
    _read_fields(con, source, layout)

    # k-th record <-> k-th line the reader did not skip (header, empty) or reject
    skipped = f"""
        SELECT rowid FROM {LINES}
        WHERE rowid >= {h} AND (coalesce(raw_line, '') = '' OR {odd}
                                OR rowid + 1 IN (SELECT line::BIGINT FROM {REJECT_ERRORS}))"""
    n_fields = _field_count_sql(layout.fields_read)
    if con.execute(f"SELECT count(*) FROM ({skipped})").fetchone()[0] == 0:
        # the usual case: record k is line k + header, no join needed
        n_lines = con.execute(f"SELECT count(*) FROM {LINES}").fetchone()[0]
        con.execute(
            f"""
            CREATE OR REPLACE TEMP VIEW _ing_map AS
            SELECT CASE WHEN rowid + {h} < {n_lines} THEN rowid + 1 + {h} END AS line_number,
                   *, {n_fields} AS n_fields
            FROM {PARSED}
            UNION ALL  -- lines beyond the last record: they have no fields
            SELECT rowid + 1, {", ".join(["NULL"] * layout.fields_read)}, NULL
            FROM {LINES} WHERE rowid >= {h} + (SELECT count(*) FROM {PARSED})
            """
        )
    else:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP VIEW _ing_map AS
            WITH candidates AS (
                SELECT rowid + 1 AS line_number, row_number() OVER (ORDER BY rowid) AS k
                FROM {LINES}
                WHERE rowid >= {h} AND rowid NOT IN ({skipped})
            ),
            parsed AS (SELECT rowid + 1 AS k, *, {n_fields} AS n_fields FROM {PARSED})
            SELECT c.line_number, p.* EXCLUDE (k)
            FROM candidates AS c FULL OUTER JOIN parsed AS p USING (k)
            """
        )
    lines_without, records_without = con.execute(
        "SELECT count(*) FILTER (WHERE n_fields IS NULL), count(*) FILTER (WHERE line_number IS "
        "NULL) FROM _ing_map"
    ).fetchone()
    if lines_without or records_without:
        raise UnreadableFile(_misread(layout, f"{lines_without + records_without} unmatched"))

    quote = lit(layout.dialect.quote)
    problems = ", ".join(layout.field_problems) or "NULL"
    n_lines_total = int(con.execute(f"SELECT count(*) FROM {LINES}").fetchone()[0])
    separator = _separator_problem(layout, "raw_line")
    too_long = lit(
        f" characters long, over the {MAX_LINE_CHARS:,} a line of {layout.description} can "
        "have: binary data, or line ends lost"
    )
    if last_line_open and n_lines_total > h:
        notes.append("the last line has no line end (a file cut while being written?)")
    derived = "".join(
        f",\n                {expr} AS {name}" for name, expr in layout.derived.items()
    )
    values = ",\n            ".join(f"{expr} AS {name}" for name, expr in layout.values.items())
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {STAGED} AS
        WITH rejected AS (
            SELECT line::BIGINT AS line_number, min(error_type) AS error_type,
                   min(error_message) AS error_message
            FROM {REJECT_ERRORS} GROUP BY line
        ),
        joined AS (
            SELECT l.rowid + 1 AS line_number, coalesce(l.raw_line, '') AS raw_line,
                r.error_type, r.error_message, m.line_number IS NULL AS unread,
                m.* EXCLUDE (line_number)
            FROM {LINES} AS l
            LEFT JOIN rejected AS r ON r.line_number = l.rowid + 1
            LEFT JOIN _ing_map AS m ON m.line_number = l.rowid + 1
            WHERE l.rowid >= {h}
        ),
        derived AS (
            SELECT *{derived}
            FROM joined
        ),
        checked AS (
            SELECT *,
                CASE
                    WHEN regexp_full_match(raw_line, '\\s*') THEN 'blank line'
                    WHEN contains(raw_line, chr(0)) THEN {_nul_reason("raw_line")}
                    WHEN length(raw_line) > {MAX_LINE_CHARS} THEN
                        'line is ' || format('{{:,}}', length(raw_line)) || {too_long}
                    WHEN {quotes} THEN
                        'unbalanced double quotes: a quoted field is not closed on this line'
                    WHEN {separator} IS NOT NULL THEN {separator}
                    WHEN error_type IS NOT NULL THEN {_reject_reason(layout)}
                    WHEN unread THEN 'the CSV reader returned no record for it'
                    WHEN NOT (starts_with(raw_line, f1)
                              OR ({quote} <> '' AND starts_with(raw_line, {quote})))
                        THEN {lit(MISALIGNED)}
                    ELSE coalesce({layout.count_problem},
                                  nullif(concat_ws('; ', {problems}), ''))
                END AS problem
            FROM derived
        )
        SELECT line_number,
            CASE WHEN contains(raw_line, chr(0)) THEN replace(raw_line, chr(0), '\u2400')
                 ELSE raw_line END AS raw_line,
            {_truncation(layout, last_line_open, n_lines_total)} AS problem,
            {values}
        FROM checked
        """
    )
    rows_in, rows_bad, misaligned = con.execute(
        f"SELECT count(*), count(problem), count(*) FILTER (WHERE problem = {lit(MISALIGNED)}) "
        f"FROM {STAGED}"
    ).fetchone()
    if misaligned:
        raise UnreadableFile(_misread(layout, f"{misaligned} misaligned"))
    if rows_bad and rows_bad == rows_in:
        notes.append(_commonest_problem(con, rows_bad))
    return StageStats(int(rows_in), int(rows_in) - int(rows_bad), int(rows_bad), tuple(notes))


def _commonest_problem(con: duckdb.DuckDBPyConnection, rows_bad: int) -> str:
    """A note for a file none of whose rows loads: its most frequent reason (a layout or a
    schema that drifted shows as one reason on every line)."""
    reason, n = con.execute(
        f"SELECT problem, count(*) AS n FROM {STAGED} WHERE problem <> 'blank line' "
        "GROUP BY problem ORDER BY n DESC, problem LIMIT 1"
    ).fetchone() or ("blank line", rows_bad)
    return f"no row loads; {n} of {rows_bad} line(s): {reason}"


MISALIGNED = "internal: record and line do not match"


def _truncation(layout: Layout, last_line_open: bool, n_lines: int) -> str:
    """SQL: the row's problem, with what a last line without a line end means added."""
    if not last_line_open:
        return "problem"
    last = f"line_number = {n_lines} AND problem IS DISTINCT FROM 'blank line'"
    if layout.complete_lines:
        return (
            f"CASE WHEN {last} THEN {lit(TRUNCATED)} || coalesce('; ' || problem, '') "
            "ELSE problem END"
        )
    return (
        f"CASE WHEN {last} AND problem IS NOT NULL THEN problem || {lit(LAST_LINE_OPEN)} "
        "ELSE problem END"
    )


def _misread(layout: Layout, detail: str) -> str:
    return (
        f"the CSV reader's records do not line up with the file's lines ({detail}); a quoted "
        f"field probably spans lines, which {layout.description} never does: check the quoting"
    )


def drop_work_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW IF EXISTS _ing_map")
    for table in (LINES, PARSED, STAGED, REJECT_ERRORS, REJECT_SCANS):
        con.execute(f"DROP TABLE IF EXISTS {table}")


# --- SQL building blocks for layouts -------------------------------------------------------
# A typed value is parsed once as a derived column (`int_value`, `timestamp_value`,
# `date_value`); its problem expression compares the field with that column, and explains the
# failure with further checks only on rows that failed.

_TS_PATTERN = r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?"
_DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
MAX_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC


def shown(field: str) -> str:
    """The value as it appears in a reason: quoted, cut at 80 characters."""
    return f"'''' || left({field}, 80) || ''''"


def nonempty(field: str) -> str:
    return f"nullif({field}, '')"


def int_value(field: str, sql_type: str = "BIGINT") -> str:
    """Digits only (DuckDB's own cast would also take '1.5', '1e3' or '0x10')."""
    return (
        f"CASE WHEN regexp_full_match({field}, '-?[0-9]{{1,19}}') "
        f"THEN try_cast({field} AS {sql_type}) END"
    )


def int_problem(field: str, name: str, value: str, sql_type: str = "INTEGER") -> str:
    return (
        f"CASE WHEN {field} <> '' AND {value} IS NULL THEN "
        f"CASE WHEN regexp_full_match({field}, '-?[0-9]+') "
        f"THEN 'field ''{name}'' is out of range for {sql_type}: ' "
        f"ELSE 'field ''{name}'' is not an integer: ' END || {shown(field)} END"
    )


def empty_problem(field: str, name: str, why: str = "") -> str:
    """A required field that is empty: the row is quarantined (dbt could not use it)."""
    reason = f"field '{name}' is empty" + (f": {why}" if why else "")
    return f"CASE WHEN {field} = '' THEN {lit(reason)} END"


def epoch_problem(field: str, name: str, value: str) -> str:
    """An epoch must be whole seconds between 1970 and 9999."""
    return (
        f"CASE WHEN {field} <> '' AND coalesce({value} NOT BETWEEN 0 AND {MAX_EPOCH}, true) THEN "
        f"CASE WHEN regexp_full_match({field}, '-?[0-9]+') "
        f"THEN 'field ''{name}'' is out of range for a Unix time: ' "
        f"ELSE 'field ''{name}'' is not an integer: ' END || {shown(field)} END"
    )


def epoch_to_timestamp(epoch: str) -> str:
    """UTC naive TIMESTAMP from Unix seconds, independent of the session time zone."""
    return f"CASE WHEN {epoch} BETWEEN 0 AND {MAX_EPOCH} THEN make_timestamp({epoch} * 1000000) END"


def timestamp_value(field: str) -> str:
    return (
        f"CASE WHEN regexp_full_match({field}, '{_TS_PATTERN}') "
        f"THEN try_cast({field} AS TIMESTAMP) END"
    )


def timestamp_problem(field: str, name: str, value: str) -> str:
    return (
        f"CASE WHEN {field} <> '' AND {value} IS NULL "
        f"THEN 'field ''{name}'' is not a timestamp ''YYYY-MM-DD HH:MM:SS'': ' || {shown(field)} "
        "END"
    )


def date_value(field: str) -> str:
    return (
        f"CASE WHEN regexp_full_match({field}, '{_DATE_PATTERN}') "
        f"THEN try_cast({field} AS DATE) END"
    )


def date_problem(field: str, name: str, value: str) -> str:
    return (
        f"CASE WHEN {field} <> '' AND {value} IS NULL "
        f"THEN 'field ''{name}'' is not a date ''YYYY-MM-DD'': ' || {shown(field)} END"
    )
