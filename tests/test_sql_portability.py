"""Lint: the dbt SQL stays portable to DuckDB, PostgreSQL and Spark (../shared/PORTABLE_SQL.md).

Scans models/, macros/ and tests/dbt/ (and the SQL expressions of the YAML tests) for the
constructs that the measured rules forbid, wherever a regular expression can see them.
Engine-specific SQL belongs in dispatched macro bodies (`default__x`, `duckdb__x`,
`postgres__x`, `spark__x`, ...), which are not scanned. What is scanned: the SQL text
outside Jinja, plus the string literals inside Jinja expressions (SQL fragments handed to
macros such as dbt.dateadd). Comments and quoted SQL strings are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCANNED_DIRS = ("models", "macros", "tests/dbt")
ENGINE_PREFIXES = (
    "default",
    "duckdb",
    "postgres",
    "spark",
    "databricks",
    "trino",
    "snowflake",
    "bigquery",
    "redshift",
    "fabric",
    "sqlserver",
)


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    why: str
    in_jinja_strings: bool = True


def _rx(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


RULES: tuple[Rule, ...] = (
    Rule(
        "double-quoted identifier",
        _rx(r'"'),
        "on Spark `\"n\"` is the string 'n'; write identifiers bare (rule 1)",
        in_jinja_strings=False,
    ),
    Rule(
        "qualify",
        _rx(r"\bqualify\b"),
        "fails on PostgreSQL: filter a row_number() in a subquery (rule 9)",
    ),
    Rule(
        "count_if",
        _rx(r"\bcount_if\s*\("),
        "fails on PostgreSQL: use count_where() / sum(case when ... then 1 else 0 end) (rule 4)",
    ),
    Rule(
        "try_cast", _rx(r"\btry_cast\s*\("), "DuckDB and Spark only: validate at ingestion (rule 8)"
    ),
    Rule(":: cast", _rx(r"::"), "fails on Spark: cast(x as {{ dbt.type_...() }}) (rule 6)"),
    Rule(
        "listagg",
        _rx(r"\blistagg\s*\("),
        "fails on PostgreSQL: string_agg or a dispatched macro (rule 9)",
    ),
    Rule(
        "double precision",
        _rx(r"\bdouble\s+precision\b"),
        "fails on Spark: {{ dbt.type_float() }} or numeric(p, s) (rule 6)",
    ),
    Rule(
        "engine-only type",
        _rx(r"\bas\s+(text|string|double|varchar|float|int64|float64)\s*\)"),
        "not a type on every engine: use the dbt type_*() macros or varchar(n) (rule 6)",
    ),
    Rule(
        "numeric without precision",
        _rx(r"\bas\s+(numeric|decimal)\s*\)"),
        "precision differs per engine and unit tests compare text: numeric(28, 6) (rule 7)",
    ),
    Rule(
        "unquoted interval",
        _rx(r"\binterval\s+[0-9]+\s*(second|minute|hour|day|week|month|year)s?\b"),
        "fails on PostgreSQL: interval '20' second or {{ dbt.dateadd(...) }} (rule 3)",
    ),
    Rule(
        "extract(epoch)",
        _rx(r"\bextract\s*\(\s*epoch\b"),
        "fails on Spark: {{ contact_center.epoch_seconds(ts) }} or dbt.datediff (rule 2)",
    ),
    Rule(
        "engine-only time function",
        _rx(
            r"\b(unix_timestamp|timestampdiff|strftime|strptime|date_format|to_char|"
            r"from_utc_timestamp|to_utc_timestamp|epoch_ms|make_timestamp)\s*\("
        ),
        "exists on some engines only: put it in a dispatched macro (rule 11)",
    ),
    Rule(
        "at time zone",
        _rx(r"\bat\s+time\s+zone\b|\btimezone\s*\("),
        "spelt differently per engine: contact_center.utc_to_local / local_to_utc (rule 11)",
    ),
)

THREE_ARG_DATEDIFF = _rx(r"\b(datediff|date_diff)\s*\(")
TARGET_TYPE = re.compile(r"\btarget\.type\b")
MACRO_BLOCK = re.compile(r"{%-?\s*macro\s+(\w+)\s*\(.*?%}(.*?){%-?\s*endmacro\s*-?%}", re.DOTALL)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.why}"


def _blank(text: str, start: int, end: int) -> str:
    """Replace text[start:end] by spaces, keeping newlines (offsets and lines stay put)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _without_engine_macros(text: str) -> str:
    for match in MACRO_BLOCK.finditer(text):
        prefix = match.group(1).split("__", 1)[0] if "__" in match.group(1) else None
        if prefix in ENGINE_PREFIXES:
            text = _blank(text, match.start(), match.end())
    return text


def _jinja_end(text: str, i: int, strings: list[tuple[int, str]]) -> int:
    """End of the Jinja block `{{ ... }}` or `{% ... %}` that starts at `i`; its string
    literals are appended to `strings` with their offsets."""
    close = "}}" if text[i : i + 2] == "{{" else "%}"
    j, n = i + 2, len(text)
    while j < n and text[j : j + 2] != close:
        if text[j] in "'\"":
            quote, k = text[j], j + 1
            while k < n and text[k] != quote:
                k += 2 if text[k] == "\\" else 1
            strings.append((j + 1, text[j + 1 : k]))
            j = k + 1
        else:
            j += 1
    return min(n, j + 2)


def split_sql_and_jinja(text: str) -> tuple[str, list[tuple[int, str]]]:
    """(SQL text with Jinja, comments and quoted strings blanked; Jinja string literals).

    Jinja string literals come back with their offset. A Jinja block is replaced by spaces
    and one `_` so that tokens on both sides do not run together; Jinja inside a quoted SQL
    string (`'{{ value }}'`) is skipped with the string.
    """
    out = list(text)
    jinja_strings: list[tuple[int, str]] = []
    i, n = 0, len(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        two = text[i : i + 2]
        if two == "{#":
            end = text.find("#}", i + 2)
            end = n if end < 0 else end + 2
            blank(i, end)
            i = end
        elif two in ("{{", "{%"):
            end = _jinja_end(text, i, jinja_strings)
            blank(i, end)
            out[i] = "_"
            i = end
        elif two == "--":
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif two == "/*":
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            blank(i, end)
            i = end
        elif text[i] == "'":
            j = i + 1
            while j < n:
                if text[j : j + 2] in ("{{", "{%"):
                    j = _jinja_end(text, j, jinja_strings)
                elif text[j] == "'" and text[j + 1 : j + 2] == "'":
                    j += 2
                elif text[j] == "'":
                    break
                else:
                    j += 1
            blank(i + 1, j)
            i = j + 1
        else:
            i += 1
    return "".join(out), jinja_strings


def _top_level_args(text: str, open_paren: int) -> int:
    """Number of arguments of the call whose '(' is at `open_paren` (0 when unbalanced)."""
    depth, commas = 0, 0
    for ch in text[open_paren:]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return commas + 1
        elif ch == "," and depth == 1:
            commas += 1
    return 0


def _scan_sql(sql: str, offset_to_line, path: str, in_jinja: bool, base: int = 0) -> list[Finding]:
    found = []
    for rule in RULES:
        if in_jinja and not rule.in_jinja_strings:
            continue
        for m in rule.pattern.finditer(sql):
            found.append(Finding(path, offset_to_line(base + m.start()), rule.name, rule.why))
    for m in THREE_ARG_DATEDIFF.finditer(sql):
        if _top_level_args(sql, m.end() - 1) == 3:
            found.append(
                Finding(
                    path,
                    offset_to_line(base + m.start()),
                    "three-argument datediff",
                    "fails on PostgreSQL: {{ dbt.datediff(a, b, 'second') }} (rules 2, 9)",
                )
            )
    return found


def scan_text(text: str, path: str, is_model: bool = False) -> list[Finding]:
    """Findings for one .sql file's text."""

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    findings = []
    if is_model:
        for m in TARGET_TYPE.finditer(text):
            findings.append(
                Finding(
                    path,
                    line_of(m.start()),
                    "target.type",
                    "models never branch on the engine: dispatch a macro (rule 11)",
                )
            )
    sql, jinja_strings = split_sql_and_jinja(_without_engine_macros(text))
    findings += _scan_sql(sql, line_of, path, in_jinja=False)
    for offset, literal in jinja_strings:
        if offset < len(sql) and literal:
            findings += _scan_sql(literal, line_of, path, in_jinja=True, base=offset)
    return findings


def _yaml_sql(node, key: str | None = None):
    """SQL strings of a YAML properties file: test expressions and where filters."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _yaml_sql(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _yaml_sql(v, key)
    elif isinstance(node, str) and key in ("expression", "where", "condition"):
        yield node


def scan_yaml(path: Path, rel: str) -> list[Finding]:
    text = path.read_text(encoding="utf-8")
    findings = []
    for sql in _yaml_sql(yaml.safe_load(text) or {}):
        first = sql.strip().splitlines()[0] if sql.strip() else sql
        at = text.find(first)
        line = text.count("\n", 0, at) + 1 if at >= 0 else 1
        cleaned, _ = split_sql_and_jinja(sql)
        findings += _scan_sql(cleaned, lambda _offset, line=line: line, rel, in_jinja=False)
    return findings


def project_findings() -> list[Finding]:
    findings = []
    for folder in SCANNED_DIRS:
        for path in sorted((PROJECT_DIR / folder).rglob("*")):
            rel = str(path.relative_to(PROJECT_DIR))
            if path.suffix == ".sql":
                findings += scan_text(
                    path.read_text(encoding="utf-8"), rel, is_model=not rel.startswith("macros/")
                )
            elif path.suffix in (".yml", ".yaml"):
                findings += scan_yaml(path, rel)
    return findings


def test_project_sql_is_portable():
    findings = project_findings()
    assert not findings, "non-portable SQL (../shared/PORTABLE_SQL.md):\n" + "\n".join(
        str(f) for f in findings
    )


# -- the lint itself ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sql", "rule"),
    [
        ('select "queue_id" from t', "double-quoted identifier"),
        ("select * from t qualify row_number() over (order by a) = 1", "qualify"),
        ("select count_if(is_answered) from t", "count_if"),
        ("select try_cast(x as integer) from t", "try_cast"),
        ("select x::varchar from t", ":: cast"),
        ("select listagg(x, ',') from t", "listagg"),
        ("select cast(x as double precision) from t", "double precision"),
        ("select cast(x as text) from t", "engine-only type"),
        ("select cast(x as numeric) from t", "numeric without precision"),
        ("select ts + interval 20 second from t", "unquoted interval"),
        ("select datediff('second', a, b) from t", "three-argument datediff"),
        ("select extract(epoch from ts) from t", "extract(epoch)"),
        ("select strftime(ts, '%H') from t", "engine-only time function"),
        ("select ts at time zone 'UTC' from t", "at time zone"),
        ("{% if target.type == 'spark' %}select 1{% endif %}", "target.type"),
        ("select {{ dbt.dateadd('minute', 'x::int', 'ts') }} from t", ":: cast"),
    ],
)
def test_lint_catches(sql: str, rule: str):
    findings = scan_text("-- a model\n" + sql, "models/example.sql", is_model=True)
    assert rule in {f.rule for f in findings}, findings
    assert all(f.line == 2 for f in findings if f.rule == rule)


@pytest.mark.parametrize(
    "sql",
    [
        "select 'a::b' as s, 'count_if(' as t from t -- x::y",
        "select '{{ value | replace(\"'\", \"\\\\'\") }}' as quoted",
        "select '\"quoted\" text' as s from t",
        '-- select "commented"\nselect 1',
        "/* qualify */ select 1",
        'select {{ var("default_site_id") }} as site_id',
        "select {{ dbt.datediff('a', 'b', 'second') }} as seconds",
        "select interval '20' second, interval '20 seconds'",
        "select cast(x as numeric(28, 6)), cast(y as varchar(255))",
        "{% macro spark__x(ts) %}date_format({{ ts }}, 'HH:mm'){% endmacro %}",
        "{% macro duckdb__x(ts) %}strftime({{ ts }}, '%H:%M')::varchar{% endmacro %}",
    ],
)
def test_lint_accepts(sql: str):
    assert scan_text(sql, "models/example.sql", is_model=True) == []


def test_duckdb_converts_the_seeded_sites_zones_on_its_fast_path():
    """Every site's zone of seeds/sites.csv is in var('fast_time_zones'): DuckDB converts
    it with the zone as a constant (macros/cross_db/time_zones.sql, DECISIONS.md D210)."""
    import csv

    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    fast = project["vars"]["fast_time_zones"]
    with open(PROJECT_DIR / "seeds" / "sites.csv", encoding="utf-8") as f:
        zones = {row["time_zone"] for row in csv.DictReader(f)}
    assert zones and zones <= set(fast), sorted(zones - set(fast))
    assert len(fast) == len(set(fast))
