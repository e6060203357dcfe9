"""Business extracts (CRM, surveys, workforce, quality, HR, costs): CSV or Excel with a header.

Systems other than the PBX (a CRM, a survey tool, a workforce-management suite, HR, finance)
export tables: one row per record, a header naming the columns. Each such source is declared
once as an `ExtractSpec` (in a module of `orchestration/ingest/extract_specs/`), and everything
else derives from the declaration: the raw table (`schema.RAW_TABLES`), the landing folder
(`files.SOURCE_FILES`), the file layout (`extract_layout`), the Great Expectations contract
(`extract_suite`) and the Dagster asset. Adding a source is a declaration, not code
(docs/extending.md).

How a file is read:
- the first line is the header; columns are found by name, case-insensitive, in any order;
- a missing *required* column fails the file (nothing can be loaded without it), a missing
  optional one is loaded as NULL and named in the ledger's note; columns the spec does not name
  are kept, per row, as a JSON object in ``extra_fields`` (schema drift loses nothing);
- ``.xlsx`` workbooks: the first sheet is read as CSV (sheet row n = line n);
- typed values: ``int``, ``decimal`` (a '.' decimal point), ``bool`` (true/false, yes/no, 1/0,
  y/n), ``date`` (``YYYY-MM-DD``, or one of the column's extra ``formats``), ``timestamp``
  (ISO 8601; with an offset or ``Z`` it is converted to UTC; without one it is the site's local
  time, `ExtractSpec.time_zone` or the ``CCWH_SITE_TIME_ZONE`` setting, and converted to UTC;
  raw timestamps are always naive UTC). A value that does not parse, or an empty required
  value, quarantines the row with the field, the value and the problem.
- ranges, accepted values and the unique key are the file's *contract* (`extract_suite`): a file
  that breaks them is rejected as a whole, like every other source (DECISIONS.md D45).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .asterisk import extra_fields_json, header_names, parse_header
from .files import SOURCE_FILES
from .reader import Dialect, Layout, UnreadableFile, lit, shown
from .schema import RAW_TABLES, RawTable

if TYPE_CHECKING:
    import great_expectations as gx

TYPES = ("text", "int", "decimal", "percent", "bool", "date", "timestamp")
_SQL_TYPES = {
    "text": "VARCHAR",
    "int": "BIGINT",
    "decimal": "DOUBLE",
    "percent": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}
_SLACK = 2
_INT = r"[+-]?[0-9]{1,18}"
_DECIMAL = r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?"
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TS = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?"
_OFFSET = r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)"
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")


@dataclass(frozen=True)
class Column:
    """One column of an extract. `min`/`max`/`values` are contract checks (file level)."""

    name: str
    type: str = "text"
    required: bool = False
    min: float | None = None
    max: float | None = None
    values: tuple[str, ...] | None = None  # accepted values of a text column
    formats: tuple[str, ...] = ()  # extra strptime formats of a date or timestamp column
    doc: str = ""
    # the column's name in the file when it is not `name` (vendor headers such as
    # 'After contact work time'); matched case-insensitively, runs of spaces as one
    header: str | None = None

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name!r}: type {self.type!r} is not one of {TYPES}")
        if self.name != self.name.lower().strip() or not self.name.isidentifier():
            raise ValueError(f"column {self.name!r}: names are lower-case identifiers")

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.type]

    @property
    def header_key(self) -> str:
        return _header_key(self.header or self.name)


def _header_key(name: str) -> str:
    return " ".join(name.lower().split())


@dataclass(frozen=True)
class ExtractSpec:
    """A business extract: where its files land, the raw table they fill, their columns."""

    source: str  # source key, e.g. 'crm_cases'
    folder: str  # landing sub-folder, e.g. 'crm/cases' (*.csv, *.txt and *.xlsx files in it)
    schema: str  # raw schema, e.g. 'raw_crm'
    table: str  # raw table, e.g. 'cases'
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # unique within a file (contract)
    time_zone: str | None = None  # of timestamps without an offset; None: CCWH_SITE_TIME_ZONE
    # extra contract checks: (column_a, column_b) with a >= b where both are present
    ordered: tuple[tuple[str, str], ...] = ()
    # why files of this extract are not comparable by size (no volume check), if they are not
    volume_not_comparable: str | None = None

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.source}: duplicate column names")
        unknown = [n for n in (*self.key, *(x for p in self.ordered for x in p)) if n not in names]
        if unknown:
            raise ValueError(f"{self.source}: key/ordered name unknown column(s) {unknown}")

    @property
    def raw_table(self) -> RawTable:
        cols = tuple((c.name, c.sql_type) for c in self.columns)
        return RawTable(self.schema, self.table, (*cols, ("extra_fields", "VARCHAR")))

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# --- the registry -------------------------------------------------------------------------

EXTRACTS: dict[str, ExtractSpec] = {}


def register(*specs: ExtractSpec) -> None:
    """Add specs to the registry (each module of `extract_specs` calls it at import), with
    their raw tables and landing folders."""
    for spec in specs:
        if spec.source in EXTRACTS and EXTRACTS[spec.source] != spec:
            raise ValueError(f"extract source {spec.source!r} is declared twice")
        if spec.source not in EXTRACTS and spec.source in RAW_TABLES:
            raise ValueError(f"extract source {spec.source!r} is already a source")
        EXTRACTS[spec.source] = spec
        RAW_TABLES[spec.source] = spec.raw_table
        SOURCE_FILES[spec.source] = (spec.folder, "*")


def _load_specs() -> None:
    from . import extract_specs

    for module in sorted(pkgutil.iter_modules(extract_specs.__path__), key=lambda m: m.name):
        importlib.import_module(f"{extract_specs.__name__}.{module.name}")


_load_specs()


# --- reading a file -----------------------------------------------------------------------


def _ts_value(field: str, tz: str, formats: tuple[str, ...]) -> str:
    """Naive UTC TIMESTAMP of an ISO 8601 value (with an offset, or local time in `tz`)."""
    zoned = f"timezone('UTC', try_cast({field} AS TIMESTAMPTZ))"
    local = f"try_cast(replace({field}, 'T', ' ') AS TIMESTAMP)"
    for fmt in formats:
        local = f"coalesce({local}, try_strptime({field}, {lit(fmt)}))"
    naive = f"timezone('UTC', timezone({lit(tz)}, {local}))"
    return (
        f"CASE WHEN regexp_full_match({field}, '{_TS}{_OFFSET}') THEN {zoned} "
        f"WHEN {field} <> '' THEN {naive} END"
    )


def _date_value(field: str, formats: tuple[str, ...]) -> str:
    # Excel keeps dates as date-times: a date cell reads '2026-11-02 00:00:00'
    value = (
        f"CASE WHEN regexp_full_match({field}, '{_DATE}([ T]00:00(:00)?)?') "
        f"THEN try_cast(left({field}, 10) AS DATE) END"
    )
    for fmt in formats:
        value = f"coalesce({value}, CAST(try_strptime({field}, {lit(fmt)}) AS DATE))"
    return f"CASE WHEN {field} <> '' THEN {value} END"


def _value(col: Column, field: str, tz: str) -> str:
    f = f"trim({field})"
    if col.type == "int":
        return f"CASE WHEN regexp_full_match({f}, '{_INT}') THEN try_cast({f} AS BIGINT) END"
    if col.type == "decimal":
        return f"CASE WHEN regexp_full_match({f}, '{_DECIMAL}') THEN try_cast({f} AS DOUBLE) END"
    if col.type == "percent":  # '21.83%' (or 21.83) -> 0.2183
        number = f"rtrim({f}, '%')"
        return (
            f"CASE WHEN regexp_full_match({f}, '{_DECIMAL} ?%?') "
            f"THEN try_cast(trim({number}) AS DOUBLE) / 100 END"
        )
    if col.type == "bool":
        t, fl = (", ".join(lit(v) for v in vs) for vs in (_TRUE, _FALSE))
        return f"CASE WHEN lower({f}) IN ({t}) THEN true WHEN lower({f}) IN ({fl}) THEN false END"
    if col.type == "date":
        return _date_value(f, col.formats)
    if col.type == "timestamp":
        return _ts_value(f, tz, col.formats)
    return f"nullif({field}, '')"


_EXPECTED = {
    "int": "an integer",
    "decimal": "a number with a '.' decimal point",
    "percent": "a percentage such as '21.83%'",
    "bool": "true/false",
    "date": "a date 'YYYY-MM-DD'",
    "timestamp": "a timestamp 'YYYY-MM-DD HH:MM:SS' (ISO 8601, optionally with an offset)",
}


def _problems(col: Column, field: str, value: str) -> list[str]:
    out = []
    if col.required:
        out.append(
            f"CASE WHEN trim({field}) = '' THEN "
            f"{lit(f'field {col.name!r} is empty: it is required')} END"
        )
    if col.type != "text":
        what = _EXPECTED[col.type] + (f" or {' / '.join(col.formats)}" if col.formats else "")
        out.append(
            f"CASE WHEN trim({field}) <> '' AND {value} IS NULL THEN "
            f"{lit(f'field {col.name!r} is not {what}: ')} || {shown(field)} END"
        )
    return out


def extract_layout(spec: ExtractSpec, first_line: str | None, tz: str) -> tuple[Layout, str]:
    """The layout of one file of `spec`, from its header line, and a note for the ledger."""
    header = [_header_key(h) for h in parse_header(first_line or "")]
    found = [c for c in spec.columns if c.header_key in header]
    required = [c.header or c.name for c in spec.columns if c.required]
    missing_required = [c.header or c.name for c in spec.columns if c.required and c not in found]
    if not first_line or missing_required:
        expected = ",".join(c.header or c.name for c in spec.columns)
        raise UnreadableFile(
            f"the header of {spec.description} lacks required column(s) "
            f"{', '.join(missing_required or required)}"
            f": the first line must name the columns ({expected}; any order, others are kept in "
            f"extra_fields); found {(first_line or '')[:200]!r}"
        )
    keys = {c.header_key for c in spec.columns}
    dup = sorted({h for h in header if header.count(h) > 1 and h in keys})
    if dup:
        raise UnreadableFile(f"the header names column(s) {', '.join(dup)} more than once")
    field = {c.name: f"f{header.index(c.header_key) + 1}" for c in found}
    derived: dict[str, str] = {}
    values: dict[str, str] = {}
    problems: list[str] = []
    for col in spec.columns:
        if col.name not in field:
            values[col.name] = f"NULL::{col.sql_type}"
            continue
        expr = _value(col, field[col.name], tz)
        if col.type == "text":
            values[col.name] = expr
        else:
            derived[col.name] = expr
            values[col.name] = col.name
        problems.extend(_problems(col, field[col.name], values[col.name]))
    original = header_names(first_line)
    extra = [(i, original[i - 1]) for i, c in enumerate(header, start=1) if c not in keys]
    values["extra_fields"] = extra_fields_json(extra)
    h = len(header)
    expected = f"expected {h} fields as in the header"
    layout = Layout(
        description=spec.description,
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
    notes = [spec.description]
    absent = [c.name for c in spec.columns if c.name not in field]
    if absent:
        notes.append(f"optional column(s) absent, loaded as NULL: {', '.join(absent)}")
    if extra:
        notes.append(f"kept in extra_fields: {', '.join(n for _, n in extra)}")
    return layout, "; ".join(notes)


# --- the contract -------------------------------------------------------------------------


def extract_suite(spec: ExtractSpec) -> Callable[[], gx.ExpectationSuite]:
    """The Great Expectations suite of a spec: columns, required values, ranges, enumerations,
    the unique key and ordered pairs (e.g. resolved_at >= opened_at)."""

    def suite() -> gx.ExpectationSuite:
        import great_expectations as gx
        import great_expectations.expectations as gxe

        table = spec.raw_table
        exps: list = [
            gxe.ExpectTableColumnsToMatchSet(column_set=table.all_column_names, exact_match=False)
        ]
        for c in spec.columns:
            if c.required:
                exps.append(gxe.ExpectColumnValuesToNotBeNull(column=c.name))
            if c.min is not None or c.max is not None:
                exps.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=c.name, min_value=c.min, max_value=c.max
                    )
                )
            if c.values is not None:
                exps.append(
                    gxe.ExpectColumnValuesToBeInSet(column=c.name, value_set=list(c.values))
                )
        if len(spec.key) == 1:
            exps.append(gxe.ExpectColumnValuesToBeUnique(column=spec.key[0]))
        elif spec.key:
            exps.append(
                gxe.ExpectCompoundColumnsToBeUnique(
                    column_list=list(spec.key), ignore_row_if="any_value_is_missing"
                )
            )
        for a, b in spec.ordered:
            exps.append(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=a, column_B=b, or_equal=True, ignore_row_if="either_value_is_missing"
                )
            )
        return gx.ExpectationSuite(name=table.qualified, expectations=exps)

    return suite
