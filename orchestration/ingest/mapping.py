"""Mapping files: any contact export (CSV, Excel, JSON) -> ``raw_mapped.contacts``, no Python.

A center that exports calls from a system this project has no reader for drops the files in
``landing/mapped/<name>/`` and writes ``mapping.yml`` next to them (or ships
``mappings/<name>.yml`` in this repository). The mapping names the reader options, the source
columns, and one DuckDB SQL expression per canonical contact column; README.md ("Mapping
files") documents the format with `mappings/anonymous_bank.yml` as the example.

The expressions are evaluated at ingestion, by the same engine as every other source
(`reader.stage` for CSV and Excel, `records.stage_records` for JSON): every row is loaded or
quarantined with its line and a reason. A row is quarantined when an ``exclude`` rule of the
mapping matches it, or when its canonical contact is not one the warehouse can count (no
contact id or outcome, a value that is not its column's type or not one of its enumeration,
a negative duration, timestamps out of order, an offered outcome without a queue entry).
A mapping that is not valid YAML, lacks a required key, or has an expression DuckDB cannot
bind fails each of its files with a message that names the mapping file and the expression;
the other files and sources load as usual.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

from .reader import Dialect, Layout, UnreadableFile, lit, nonempty
from .records import RecordLayout, json_text

MAPPED_FOLDER = "mapped"
MAPPING_NAMES = ("mapping.yml", "mapping.yaml")

# canonical key in the mapping -> (raw column, SQL type)
CANONICAL: dict[str, tuple[str, str]] = {
    "contact_id": ("contact_id", "VARCHAR"),
    "channel": ("channel", "VARCHAR"),
    "direction": ("direction", "VARCHAR"),
    "site": ("site_id", "VARCHAR"),
    "queue": ("queue_id", "VARCHAR"),
    "agent": ("agent_id", "VARCHAR"),
    "customer": ("customer", "VARCHAR"),
    "arrived_at": ("arrived_at", "TIMESTAMP"),
    "queued_at": ("queued_at", "TIMESTAMP"),
    "answered_at": ("answered_at", "TIMESTAMP"),
    "ended_at": ("ended_at", "TIMESTAMP"),
    "wait_seconds": ("wait_seconds", "BIGINT"),
    "talk_seconds": ("talk_seconds", "BIGINT"),
    "hold_seconds": ("hold_seconds", "BIGINT"),
    "acw_seconds": ("acw_seconds", "BIGINT"),
    "hold_count": ("hold_count", "INTEGER"),
    "outcome": ("outcome", "VARCHAR"),
    "abandon_reason": ("abandon_reason", "VARCHAR"),
    "lost_reason": ("lost_reason", "VARCHAR"),
    "end_reason": ("end_reason", "VARCHAR"),
    "transfer_type": ("transfer_type", "VARCHAR"),
}
REQUIRED = ("contact_id", "outcome")
DEFAULTS = {"channel": "'voice'", "direction": "'inbound'"}
ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "channel": ("voice", "chat", "email", "sms", "social", "task"),
    "direction": ("inbound", "outbound"),
    "outcome": (
        "answered", "abandoned", "flowed_out", "in_progress", "lost_before_queue",
        "ended_in_ivr", "outbound",
    ),
    "abandon_reason": ("caller_hangup", "timeout", "exit_key", "queue_empty"),
    "lost_reason": ("busy", "congestion", "failed", "no_answer", "queue_full"),
    "end_reason": ("caller", "agent", "transfer"),
    "transfer_type": ("blind", "attended"),
}  # fmt: skip
# outcomes of a contact that entered a queue (it needs queued_at)
OFFERED_OUTCOMES = ("answered", "abandoned", "flowed_out", "in_progress")
TIMESTAMP_ORDER = ("arrived_at", "queued_at", "answered_at", "ended_at")
DURATIONS = ("wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "hold_count")
FORMATS = ("csv", "excel", "json")
TOP_LEVEL_KEYS = {"name", "description", "reader", "columns", "derived", "exclude", "contact",
                  "timestamps"}  # fmt: skip
READER_KEYS = {"format", "delimiter", "quote", "header", "encoding", "sheet"}

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# a date and time with a UTC offset, as text or as DuckDB writes a TIMESTAMPTZ
_OFFSET_TIMESTAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)"
# names the engine uses in the same SELECT; source and derived names must not shadow them
_RESERVED = {"line_number", "raw_line", "problem", "error_type", "error_message", "unread",
             "n_fields", "record", "record_type", "row_number", "row_problem"}  # fmt: skip
_FIELD_NAME = re.compile(r"f[0-9]+")


class MappingError(UnreadableFile):
    """The mapping file itself is wrong; the message names it and what to fix."""


@dataclass(frozen=True)
class Mapping:
    """A parsed, validated mapping file."""

    name: str
    path: Path
    label: str  # how messages and `mapping_file` name it (relative path)
    sha256: str
    format: str
    delimiter: str
    quote: str
    header: bool
    encoding: str
    sheet: str | int | None
    columns: dict[str, str | int]  # SQL name -> header name, 1-based position or JSONPath
    derived: dict[str, str]
    exclude: tuple[tuple[str, str], ...]  # (SQL condition, reason)
    contact: dict[str, str]  # canonical key -> SQL expression
    timestamps: str  # 'local' | 'utc'
    notes: list[str] = field(default_factory=list)


# --- finding and reading a mapping -----------------------------------------------------------


def source_name_of(landing_dir: Path, path: Path) -> str:
    """The source name of a mapped data file: its folder under ``landing/mapped/``."""
    rel = path.relative_to(landing_dir).parts
    if len(rel) != 3 or rel[0] != MAPPED_FOLDER:
        raise MappingError(
            f"mapped files must be in landing/{MAPPED_FOLDER}/<name>/ (one folder per source, "
            "its mapping.yml beside the files)"
        )
    return rel[1]


def find_mapping(landing_dir: Path, path: Path, shipped_dir: Path) -> tuple[Path, str]:
    """The mapping of a data file: ``mapping.yml`` in its folder, else ``mappings/<name>.yml``
    shipped with the project. Returns the path and its label for messages."""
    name = source_name_of(landing_dir, path)
    for candidate in MAPPING_NAMES:
        local = path.parent / candidate
        if local.is_file():
            return local, local.relative_to(landing_dir).as_posix()
    for suffix in (".yml", ".yaml"):
        shipped = shipped_dir / f"{name}{suffix}"
        if shipped.is_file():
            return shipped, f"{shipped_dir.name}/{shipped.name}"
    raise MappingError(
        f"no mapping for the folder {MAPPED_FOLDER}/{name}/: write "
        f"{MAPPED_FOLDER}/{name}/mapping.yml (README, 'Mapping files') or add "
        f"{shipped_dir.name}/{name}.yml to the project"
    )


def _fail(label: str, problem: str) -> MappingError:
    return MappingError(f"mapping {label}: {problem}")


def _expression(label: str, where: str, value: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise _fail(label, f"{where} must be a SQL expression (text), found {value!r}")
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise _fail(label, f"{where} must be a SQL expression (text), found {value!r}")
    if ";" in value:
        raise _fail(label, f"{where}: {value!r} contains ';' (one expression, not statements)")
    return value.strip()


@functools.cache
def _sql_keywords() -> frozenset[str]:
    """DuckDB keywords that cannot name a column without quotes (`end`, `at`, `when`, ...)."""
    rows = duckdb.sql(
        "SELECT keyword_name FROM duckdb_keywords() "
        "WHERE keyword_category IN ('reserved', 'type_function')"
    ).fetchall()
    return frozenset(row[0].lower() for row in rows)


def _identifier(label: str, where: str, name: Any) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise _fail(
            label,
            f"{where}: {name!r} is not a usable name (letters, digits and _, starting with a "
            "letter)",
        )
    if name.lower() in _RESERVED or _FIELD_NAME.fullmatch(name.lower()):
        raise _fail(label, f"{where}: {name!r} is reserved by the loader; choose another name")
    if name.lower() in _sql_keywords():
        raise _fail(
            label,
            f"{where}: {name!r} is an SQL keyword; name the column otherwise "
            f"(e.g. {name.lower()}_value: {name})",
        )
    return name


def load_mapping(path: Path, label: str, source_name: str) -> Mapping:
    """Parse and validate a mapping file (structure only; `check_expressions` binds the SQL)."""
    data_bytes = path.read_bytes()
    try:
        doc = yaml.safe_load(data_bytes.decode("utf-8"))
    except (yaml.YAMLError, UnicodeError) as exc:
        raise _fail(label, f"not valid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(doc, dict):
        raise _fail(label, "must be a YAML mapping with 'reader', 'columns' and 'contact'")
    unknown = sorted(set(doc) - TOP_LEVEL_KEYS)
    if unknown:
        known = ", ".join(sorted(TOP_LEVEL_KEYS))
        raise _fail(label, f"unknown key(s) {', '.join(unknown)}; known: {known}")
    name = doc.get("name", source_name)
    if name != source_name:
        raise _fail(label, f"name {name!r} differs from its folder {source_name!r}")

    reader = doc.get("reader") or {}
    if not isinstance(reader, dict):
        raise _fail(label, "'reader' must be a mapping (format, delimiter, header, ...)")
    unknown = sorted(set(reader) - READER_KEYS)
    if unknown:
        known = ", ".join(sorted(READER_KEYS))
        raise _fail(label, f"unknown reader option(s) {', '.join(unknown)}; known: {known}")
    fmt = str(reader.get("format", "csv")).lower()
    if fmt not in FORMATS:
        raise _fail(label, f"reader.format {fmt!r} is not one of {', '.join(FORMATS)}")
    delimiter = reader.get("delimiter", ",")
    quote = reader.get("quote", '"')
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise _fail(label, f"reader.delimiter must be one character, found {delimiter!r}")
    if quote is None:
        quote = ""
    if not isinstance(quote, str) or len(quote) > 1:
        raise _fail(label, f"reader.quote must be one character or '', found {quote!r}")
    header = reader.get("header", True)
    if not isinstance(header, bool):
        raise _fail(label, f"reader.header must be true or false, found {header!r}")
    encoding = str(reader.get("encoding", "utf-8"))
    try:
        import codecs

        codecs.lookup(encoding)
    except LookupError as exc:
        raise _fail(label, f"reader.encoding {encoding!r} is not an encoding Python knows") from exc
    sheet = reader.get("sheet")

    columns_doc = doc.get("columns")
    columns: dict[str, str | int] = {}
    if isinstance(columns_doc, list):
        for item in columns_doc:
            columns[_identifier(label, "columns", item)] = item if fmt != "json" else f"$.{item}"
        if fmt != "json" and not header:
            columns = {n: i for i, n in enumerate(columns, start=1)}
    elif isinstance(columns_doc, dict):
        for key, value in columns_doc.items():
            col = _identifier(label, "columns", key)
            if fmt == "json":
                if not isinstance(value, str) or not value.startswith("$"):
                    raise _fail(label, f"columns.{col}: a JSONPath like '$.Agent.Username', "
                                f"found {value!r}")  # fmt: skip
            elif header and not isinstance(value, str):
                raise _fail(label, f"columns.{col}: the header name of the column, found "
                            f"{value!r}")  # fmt: skip
            elif not header and not (isinstance(value, int) and value >= 1):
                raise _fail(label, f"columns.{col}: without a header, the 1-based position of "
                            f"the column, found {value!r}")  # fmt: skip
            columns[col] = value
    else:
        raise _fail(label, "'columns' must list the source columns (a list, or name: column)")
    if not columns:
        raise _fail(label, "'columns' is empty")

    derived: dict[str, str] = {}
    for key, value in (doc.get("derived") or {}).items():
        name_ = _identifier(label, "derived", key)
        if name_ in columns:
            raise _fail(label, f"derived.{name_} has the name of a source column")
        derived[name_] = _expression(label, f"derived.{name_}", value)

    exclude: list[tuple[str, str]] = []
    for i, rule in enumerate(doc.get("exclude") or [], start=1):
        if not isinstance(rule, dict) or set(rule) != {"when", "reason"}:
            raise _fail(label, f"exclude rule {i} must have exactly 'when' and 'reason'")
        exclude.append((_expression(label, f"exclude rule {i} 'when'", rule["when"]),
                        str(rule["reason"])))  # fmt: skip

    contact_doc = doc.get("contact")
    if not isinstance(contact_doc, dict):
        raise _fail(label, "'contact' must map canonical columns to SQL expressions")
    unknown = sorted(set(contact_doc) - set(CANONICAL))
    if unknown:
        raise _fail(
            label,
            f"contact: unknown column(s) {', '.join(unknown)}; canonical columns: "
            f"{', '.join(CANONICAL)}",
        )
    missing = [key for key in REQUIRED if key not in contact_doc]
    if missing:
        raise _fail(label, f"contact: {', '.join(missing)} required")
    contact = {k: _expression(label, f"contact.{k}", v) for k, v in contact_doc.items()}

    timestamps = str(doc.get("timestamps", "local")).lower()
    if timestamps not in ("local", "utc"):
        raise _fail(label, f"timestamps must be 'local' (the site's time zone) or 'utc', "
                    f"found {timestamps!r}")  # fmt: skip
    return Mapping(
        name=source_name, path=path, label=label,
        sha256=hashlib.sha256(data_bytes).hexdigest(), format=fmt, delimiter=delimiter,
        quote=quote, header=header, encoding=encoding, sheet=sheet, columns=columns,
        derived=derived, exclude=tuple(exclude), contact=contact, timestamps=timestamps,
    )  # fmt: skip


# --- the SQL of a mapping ---------------------------------------------------------------------


def _block(expr: str) -> str:
    """An expression on lines of its own, so that a trailing -- comment cannot eat the SQL."""
    return f"(\n{expr}\n)"


def _canonical_steps(mapping: Mapping) -> list[tuple[str, str, str]]:
    """(where, name, SQL) of every user expression, in evaluation order."""
    steps = [(f"derived.{k}", k, v) for k, v in mapping.derived.items()]
    steps += [(f"exclude rule {i} 'when'", f"_xe_{i}", when)
              for i, (when, _) in enumerate(mapping.exclude, start=1)]  # fmt: skip
    steps += [(f"contact.{k}", f"_m_{k}", mapping.contact.get(k, DEFAULTS.get(k, "NULL")))
              for k in CANONICAL]  # fmt: skip
    return steps


def check_expressions(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> None:
    """Bind every expression, one at a time and in order, over NULL source columns: the first
    one DuckDB rejects fails the mapping with its name, its text and DuckDB's reason."""
    source = ", ".join(f"NULL::VARCHAR AS {name}" for name in mapping.columns)
    done: list[str] = []
    for where, name, expr in _canonical_steps(mapping):
        select = ", ".join([*done, f"{_block(expr)} AS {name}"])
        try:
            con.execute(f"SELECT {select} FROM (SELECT {source}) AS src LIMIT 0")
        except duckdb.Error as exc:
            reason = str(exc).strip().splitlines()[0]
            raise _fail(
                mapping.label,
                f"{where}: the expression {expr!r} is not valid DuckDB SQL over the source "
                f"columns ({', '.join(mapping.columns)}"
                + (f"; derived: {', '.join(mapping.derived)}" if mapping.derived else "")
                + f"): {reason}",
            ) from exc
        done.append(f"{_block(expr)} AS {name}")


def _shown(sql: str) -> str:
    return f"'''' || left(CAST({sql} AS VARCHAR), 80) || ''''"


def mapped_sql(mapping: Mapping) -> tuple[dict[str, str], tuple[str, ...], dict[str, str]]:
    """(derived, problems, values) over the source columns, for either engine path."""
    derived: dict[str, str] = {}
    for _, name, expr in _canonical_steps(mapping):
        derived[name] = _block(expr)
    problems: list[str] = []
    for i in range(1, len(mapping.exclude) + 1):
        derived[f"_x_{i}"] = f"coalesce(CAST(_xe_{i} AS BOOLEAN), false)"
    # reasons are kept only where they apply, with the documented defaults
    applies = {
        "abandon_reason": ("abandoned", "'caller_hangup'"),
        "lost_reason": ("lost_before_queue", "'no_answer'"),
        "transfer_type": ("answered", "NULL"),
    }
    for key, (_, sql_type) in CANONICAL.items():
        m = f"_m_{key}"
        if sql_type == "VARCHAR":
            value = f"nullif(trim(CAST({m} AS VARCHAR)), '')"
            if key in ENUMERATIONS:
                value = f"lower({value})"
            if key in applies:
                outcome, default = applies[key]
                value = f"CASE WHEN _c_outcome = '{outcome}' THEN coalesce({value}, {default}) END"
            derived[f"_c_{key}"] = value
        elif sql_type == "TIMESTAMP":
            # A value with a UTC offset ('...Z', '+02:00', or a TIMESTAMPTZ) is an instant:
            # DuckDB's cast to TIMESTAMP would drop the offset and keep the clock time.
            text = f"CAST({m} AS VARCHAR)"
            derived[f"_o_{key}"] = f"regexp_full_match({text}, {lit(_OFFSET_TIMESTAMP)})"
            if mapping.timestamps == "utc":
                offset_value = f"timezone('UTC', try_cast({text} AS TIMESTAMPTZ))"
            else:
                offset_value = "NULL::TIMESTAMP"
                problems.append(
                    f"CASE WHEN _o_{key} THEN 'contact.{key} has a UTC offset (' || {_shown(m)} "
                    "|| ') but the mapping''s timestamps are local (the site''s time zone): "
                    "write timestamps: utc, or give local times' END"
                )
            derived[f"_c_{key}"] = (
                f"CASE WHEN _o_{key} THEN {offset_value} ELSE try_cast({m} AS TIMESTAMP) END"
            )
            problems.append(
                f"CASE WHEN {m} IS NOT NULL AND NOT _o_{key} AND _c_{key} IS NULL THEN "
                f"'contact.{key} is not a TIMESTAMP: ' || {_shown(m)} END"
            )
        else:
            derived[f"_c_{key}"] = f"try_cast({m} AS {sql_type})"
            problems.append(
                f"CASE WHEN {m} IS NOT NULL AND _c_{key} IS NULL THEN "
                f"'contact.{key} is not a {sql_type}: ' || {_shown(m)} END"
            )
    for key in REQUIRED:
        problems.append(f"CASE WHEN _c_{key} IS NULL THEN 'contact.{key} is empty' END")
    for key, allowed in ENUMERATIONS.items():
        listed = ", ".join(lit(v) for v in allowed)
        shown = _shown(f"_c_{key}")
        problems.append(
            f"CASE WHEN _c_{key} NOT IN ({listed}) THEN 'contact.{key} is ' || {shown}"
            f" || ', not one of {', '.join(allowed)}' END"
        )
    for key in DURATIONS:
        problems.append(
            f"CASE WHEN _c_{key} < 0 THEN 'contact.{key} is negative: ' || _c_{key} END"
        )
    offered = ", ".join(lit(v) for v in OFFERED_OUTCOMES)
    problems.append(
        # "empty" only when the expression gave nothing: a value that did not parse has
        # its own reason above
        f"CASE WHEN _c_outcome IN ({offered}) AND _m_queued_at IS NULL THEN "
        "'contact.queued_at is empty, but outcome ''' || _c_outcome || ''' means the contact "
        "entered a queue' END"
    )
    problems.append(
        "CASE WHEN _m_arrived_at IS NULL AND _m_queued_at IS NULL THEN "
        "'contact.arrived_at is empty (and so is queued_at)' END"
    )
    for i, early in enumerate(TIMESTAMP_ORDER):
        for late in TIMESTAMP_ORDER[i + 1 :]:
            problems.append(
                f"CASE WHEN _c_{late} < _c_{early} THEN 'contact.{late} (' || _c_{late} || "
                f"') is before contact.{early} (' || _c_{early} || ')' END"
            )
    # an exclusion is the row's only reason
    exclusion = " ".join(
        f"WHEN _x_{i} THEN {lit('excluded by the mapping: ' + reason)}"
        for i, (_, reason) in enumerate(mapping.exclude, start=1)
    )
    if exclusion:
        excluded = " OR ".join(f"_x_{i}" for i in range(1, len(mapping.exclude) + 1))
        problems = [
            f"CASE {exclusion} END",
            *(f"CASE WHEN NOT ({excluded}) THEN {p} END" for p in problems),
        ]
    record = "json_object(" + ", ".join(f"{lit(n)}, {n}" for n in mapping.columns) + ")::VARCHAR"
    values = {
        "source_name": lit(mapping.name),
        **{raw: f"_c_{key}" for key, (raw, _) in CANONICAL.items()},
        "time_basis": lit(mapping.timestamps),
        "source_record": record,
        "mapping_file": lit(mapping.label),
        "mapping_sha256": lit(mapping.sha256),
        "source_line": "line_number",
    }
    return derived, tuple(problems), values


# --- readers ----------------------------------------------------------------------------------

_SLACK = 2


def _find_columns(
    mapping: Mapping, header_line: str | None
) -> tuple[dict[str, int], int, list[str]]:
    """SQL name -> 1-based field, the number of fields a line has, and the ignored columns."""
    if not mapping.header:
        positions = {name: int(pos) for name, pos in mapping.columns.items()}
        return positions, max(positions.values()), []
    if header_line is None:
        raise UnreadableFile("the file is empty but the mapping expects a header line")
    names = [n.strip() for n in next(csv.reader([header_line], delimiter=mapping.delimiter,
                                                quotechar=mapping.quote or None), [])]  # fmt: skip
    if names and names[0].startswith("\ufeff"):
        names[0] = names[0][1:]
    exact = {n: i for i, n in reversed(list(enumerate(names, start=1)))}
    folded = {n.lower(): i for i, n in reversed(list(enumerate(names, start=1)))}
    positions: dict[str, int] = {}
    missing = []
    for name, column in mapping.columns.items():
        i = exact.get(str(column), folded.get(str(column).lower()))
        if i is None:
            missing.append(str(column))
        else:
            positions[name] = i
    if missing:
        raise _fail(
            mapping.label,
            f"the header lacks column(s) {', '.join(missing)}; found: {', '.join(names)}",
        )
    ignored = [n for i, n in enumerate(names, start=1) if i not in set(positions.values())]
    return positions, len(names), ignored


def csv_layout(mapping: Mapping, header_line: str | None) -> tuple[Layout, str]:
    positions, n_fields, ignored = _find_columns(mapping, header_line)
    derived = {name: nonempty(f"f{i}") for name, i in positions.items()}
    m_derived, problems, values = mapped_sql(mapping)
    derived.update(m_derived)
    if mapping.header:
        expected = f"expected {n_fields} fields as in the header"
        count_problem = (
            f"CASE WHEN n_fields <> {n_fields} THEN {lit(expected + ', found ')} || n_fields END"
        )
    else:
        expected = f"expected at least {n_fields} fields (the mapping's columns)"
        count_problem = (
            f"CASE WHEN n_fields < {n_fields} THEN {lit(expected + ', found ')} || n_fields END"
        )
    fields_read = n_fields + _SLACK if mapping.header else n_fields + 64
    layout = Layout(
        description=f"a {mapping.format} file as mapping {mapping.label} describes it",
        dialect=Dialect(delim=mapping.delimiter, quote=mapping.quote),
        fields_read=fields_read,
        header_lines=1 if mapping.header else 0,
        count_problem=count_problem,
        field_problems=problems,
        values=values,
        too_many_fields=f"{expected}, found more than {fields_read}",
        derived=derived,
        min_fields=n_fields,
    )
    note = f"mapped by {mapping.label}"
    if ignored:
        note += f" (columns not mapped: {', '.join(ignored)})"
    return layout, note


def json_layout(mapping: Mapping) -> tuple[RecordLayout, str]:
    derived = {name: json_text(str(path)) for name, path in mapping.columns.items()}
    m_derived, problems, values = mapped_sql(mapping)
    derived.update(m_derived)
    values["source_record"] = "record"
    return (
        RecordLayout(
            description=f"JSON records as mapping {mapping.label} describes them",
            values=values,
            problems=problems,
            derived=derived,
        ),
        f"mapped by {mapping.label}",
    )


def transcode(path: Path, dest: Path, encoding: str) -> None:
    """Copy a text file as UTF-8, line for line (a byte-order mark is dropped)."""
    with (
        path.open("r", encoding=encoding, newline="") as src,
        dest.open("w", encoding="utf-8", newline="") as out,
    ):
        text = src.read()
        out.write(text[1:] if text.startswith("\ufeff") else text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _sheet_value(value: Any) -> Any:
    """A cell as openpyxl's reader gives it (the text the files were always read as): a
    date-formatted cell is a datetime, midnight included, never a bare date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


def excel_to_csv(path: Path, dest: Path, sheet: str | int | None) -> str:
    """Write one sheet of an .xlsx workbook as CSV, one line per sheet row (row n = line n).

    Returns a note for the ledger (the sheet read; cells whose line breaks became spaces).
    Read by python-calamine (Rust), with each cell as text the way openpyxl's reader gave
    it (D211: the same bytes on every workbook of the benchmark's year, 9 times faster).
    """
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:  # a declared dependency; say what is missing if it is
        raise UnreadableFile(
            "reading Excel needs python-calamine: pip install python-calamine"
        ) from exc

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own errors for zip, XML, format
        raise UnreadableFile(f"not an Excel .xlsx workbook: {exc}") from exc
    try:
        names = list(book.sheet_names)
        if sheet is None:
            title = names[0] if names else None
        elif isinstance(sheet, int):
            if not 1 <= sheet <= len(names):
                raise UnreadableFile(f"the workbook has no sheet {sheet}: {names}")
            title = names[sheet - 1]
        elif sheet in names:
            title = sheet
        else:
            raise UnreadableFile(f"the workbook has no sheet {sheet!r}: {names}")
        if title is None:
            raise UnreadableFile("the workbook has no sheet")
        broken = 0
        width = 0  # the first non-empty row's (trailing empty cells are dropped, as before)

        def rows():
            nonlocal broken, width
            # skip_empty_area=False: the sheet from its cell A1, so row n is line n
            for row in book.get_sheet_by_name(title).to_python(skip_empty_area=False):
                cells = [_cell_text(_sheet_value(v)) for v in row]
                while cells and cells[-1] == "":
                    cells.pop()
                if not any(cells):
                    yield []  # an empty sheet row is a blank line, as in a CSV export
                    continue
                width = width or len(cells)
                cells += [""] * (width - len(cells))
                if any("\n" in c or "\r" in c for c in cells):
                    broken += 1
                    cells = [re.sub(r"[\r\n]+", " ", c) for c in cells]
                yield cells

        try:
            with dest.open("w", encoding="utf-8", newline="") as out:
                csv.writer(out, lineterminator="\n").writerows(rows())
        except (OSError, UnreadableFile):
            raise
        except Exception as exc:  # a damaged sheet: calamine's parse errors
            raise UnreadableFile(f"the sheet {title!r} cannot be read: {exc}") from exc
        note = f"sheet {title!r}"
        if broken:
            note += f"; {broken} row(s) had line breaks inside cells, read as spaces"
        return note
    finally:
        book.close()
