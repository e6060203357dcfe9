"""Great Expectations suites evaluated as set-based SQL in DuckDB (DECISIONS.md D140).

The suites stay Great Expectations objects (`expectations.SUITES`): they are the contract's
definition. GX's pandas engine evaluates a column-map expectation by calling Python once per
row, which made the contract the largest cost of ingestion; GX's SQL engine has no DuckDB
dialect and cannot see the ingestion's temporary staging table. This module reads each
expectation's configuration (type and kwargs) and evaluates the whole suite in ONE aggregate
query over a relation (the staged rows of a file, or a raw table), returning the same fields
GX's SUMMARY result format gives (`element_count`, `unexpected_count`, `unexpected_percent`,
`missing_count`, the first 20 unexpected values, `observed_value`), with GX's semantics for
missing values, `ignore_row_if`, `row_condition` and the unexpected percentage
(tests/test_ingest_contract_sql.py compares both engines expectation by expectation).

An expectation type or option this module does not know makes `evaluate_suite` raise
`Unsupported`; the caller then validates that suite with GX's pandas engine instead, so a new
expectation added to a suite is never silently skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import duckdb

PARTIAL_LIST = 20  # GX's SUMMARY result format keeps the first 20 unexpected values


UNIQUENESS = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")


class Unsupported(Exception):
    """An expectation (or one of its options) with no SQL translation here."""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class _Map:
    """A column-map (or pair, or compound) expectation as per-row SQL flags."""

    scope: str  # rows the expectation looks at (row_condition), SQL boolean
    missing: str | None  # rows it ignores as missing; None: none (not_be_null)
    unexpected: str  # among the rest, the unexpected rows
    value: str  # what the partial unexpected list shows
    params: list[Any] = field(default_factory=list)
    window: str | None = None  # a window column the flags need (uniqueness)


# a row_condition with the pandas parser: `column == "value"` (the only form the suites use)
_CONDITION = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*==\s*(?:"([^"]*)"|\'([^\']*)\')\s*$')


def _scope(kwargs: dict[str, Any]) -> tuple[str, list[Any]]:
    condition = kwargs.get("row_condition")
    if not condition:
        return "true", []
    if isinstance(condition, dict):  # GX 1.x keeps a pass-through condition as a dict
        condition = condition.get("pass_through_filter")
    match = _CONDITION.match(str(condition or ""))
    if not match or kwargs.get("condition_parser") not in ("pandas", None):
        raise Unsupported(f"row_condition {condition!r}")
    column, value = match.group(1), match.group(2) if match.group(2) is not None else match.group(3)
    return f"{quote(column)} = ?", [value]


def _compile_map(kind: str, kwargs: dict[str, Any], n: int) -> _Map:
    scope, scope_params = _scope(kwargs)
    if kwargs.get("mostly") not in (None, 1, 1.0):
        raise Unsupported("mostly")
    if kind == "expect_column_values_to_not_be_null":
        c = quote(kwargs["column"])
        return _Map(scope, None, f"{c} IS NULL", c, scope_params)
    if kind == "expect_column_values_to_match_regex":
        c = quote(kwargs["column"])
        return _Map(
            scope,
            f"{c} IS NULL",
            f"NOT regexp_matches(CAST({c} AS VARCHAR), ?)",
            c,
            [*scope_params, kwargs["regex"]],
        )
    if kind == "expect_column_values_to_be_in_set":
        c = quote(kwargs["column"])
        values = list(kwargs["value_set"] or [])
        if not values:
            return _Map(scope, f"{c} IS NULL", "true", c, scope_params)
        marks = ", ".join("?" for _ in values)
        return _Map(scope, f"{c} IS NULL", f"{c} NOT IN ({marks})", c, [*scope_params, *values])
    if kind == "expect_column_values_to_be_between":
        c = quote(kwargs["column"])
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if kwargs.get("parse_strings_as_datetimes") or kwargs.get("output_strftime_format"):
            raise Unsupported("datetime parsing options")
        if low is None and high is None:
            raise Unsupported("between without bounds")
        checks, params = [], list(scope_params)
        if low is not None:
            checks.append(f"{c} {'>' if kwargs.get('strict_min') else '>='} ?")
            params.append(low)
        if high is not None:
            checks.append(f"{c} {'<' if kwargs.get('strict_max') else '<='} ?")
            params.append(high)
        return _Map(scope, f"{c} IS NULL", f"NOT ({' AND '.join(checks)})", c, params)
    if kind in UNIQUENESS and kwargs.get("row_condition"):
        raise Unsupported(f"{kind} with a row_condition")
    if kind == "expect_column_values_to_be_unique":
        c = quote(kwargs["column"])
        window = f"count(*) OVER (PARTITION BY {c}) AS _dup{n}"
        return _Map(scope, f"{c} IS NULL", f"_dup{n} > 1", c, scope_params, window)
    if kind == "expect_compound_columns_to_be_unique":
        cols = [quote(c) for c in kwargs["column_list"]]
        ignore = kwargs.get("ignore_row_if") or "all_values_are_missing"
        joiner = {"all_values_are_missing": " AND ", "any_value_is_missing": " OR "}.get(ignore)
        if joiner is None:
            raise Unsupported(f"ignore_row_if={ignore!r}")
        missing = "(" + joiner.join(f"{c} IS NULL" for c in cols) + ")"
        window = f"count(*) OVER (PARTITION BY {', '.join(cols)}) AS _dup{n}"
        pairs = ", ".join(f"{_sql_string(k)}: {quote(k)}" for k in kwargs["column_list"])
        value = "{" + pairs + "}"
        return _Map(scope, missing, f"_dup{n} > 1", value, scope_params, window)
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = quote(kwargs["column_A"]), quote(kwargs["column_B"])
        ignore = kwargs.get("ignore_row_if") or "both_values_are_missing"
        missing = {
            "either_value_is_missing": f"({a} IS NULL OR {b} IS NULL)",
            "both_values_are_missing": f"({a} IS NULL AND {b} IS NULL)",
            "neither": "false",
        }.get(ignore)
        if missing is None:
            raise Unsupported(f"ignore_row_if={ignore!r}")
        op = ">=" if kwargs.get("or_equal") else ">"
        unexpected = f"NOT coalesce({a} {op} {b}, false)"
        return _Map(scope, missing, unexpected, f"[{a}, {b}]", scope_params)
    raise Unsupported(kind)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _json_value(value: Any) -> Any:
    """A value as GX's JSON result carries it (timestamps as ISO strings, pairs as lists)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


def _columns_result(kwargs: dict[str, Any], actual: list[str]) -> tuple[bool, dict[str, Any]]:
    """expect_table_columns_to_match_set, as GX's pandas engine decides it."""
    expected = set(kwargs.get("column_set") or [])
    observed = sorted(actual)
    unexpected = sorted(set(actual) - expected)
    missing = sorted(expected - set(actual))
    if not unexpected and not missing:
        return True, {"observed_value": observed}
    mismatched: dict[str, list[str]] = {}
    if unexpected:
        mismatched["unexpected"] = unexpected
    if missing:
        mismatched["missing"] = missing
    detail = {"observed_value": observed, "details": {"mismatched": mismatched}}
    exact = kwargs.get("exact_match", True)
    return (not exact and not missing), detail


def _configs(suite: Any) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(type, kwargs as GX evaluates them, kwargs as GX's JSON result shows them)."""
    out = []
    for expectation in suite.expectations:
        config = expectation.configuration
        shown = config.to_json_dict().get("kwargs", {})
        out.append((config.type, dict(config.kwargs), shown))
    return out


def evaluate_suite(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[str],
    suite: Any,
    order_by: str,
    relation_params: list[Any] | None = None,
) -> tuple[bool, dict[str, Any], list[dict[str, Any]], int]:
    """Evaluate `suite` over `relation` (a table name or a parenthesised SELECT) in one query.

    `columns`: the relation's columns as the suite sees them (for the table-level column
    expectation). `order_by`: the order of the partial unexpected lists (the file's lines).
    Returns (success, statistics, results, row count) with results in the suite's order, shaped like
    `expectations._summarize`'s. Raises `Unsupported` for what has no SQL form here.
    """
    configs = _configs(suite)
    maps: dict[int, _Map] = {}
    for i, (kind, kwargs, _) in enumerate(configs):
        if kind in ("expect_table_columns_to_match_set", "expect_table_row_count_to_be_between"):
            if kwargs.get("row_condition"):
                raise Unsupported(f"{kind} with a row_condition")
            continue
        maps[i] = _compile_map(kind, kwargs, i)

    windows = [m.window for m in maps.values() if m.window]
    flags, params = [], []
    for i, m in maps.items():
        missing = m.missing or "false"
        flags.append(
            f"coalesce({m.scope}, false) AS _s{i}, coalesce({missing}, false) AS _m{i}, "
            f"coalesce({m.unexpected}, false) AS _u{i}, {m.value} AS _v{i}"
        )
        params.extend(m.params)
    aggregates = ["count(*)"]
    for i in maps:
        kept = f"_s{i} AND NOT _m{i} AND _u{i}"
        aggregates += [
            f"count(*) FILTER (WHERE _s{i})",
            f"count(*) FILTER (WHERE _s{i} AND _m{i})",
            f"count(*) FILTER (WHERE {kept})",
            f"(list(_v{i} ORDER BY _ord) FILTER (WHERE {kept}))[1:{PARTIAL_LIST}]",
        ]
    inner = f"SELECT *, row_number() OVER (ORDER BY {order_by}) AS _ord FROM {relation} AS r"
    if windows:
        inner = f"SELECT *, {', '.join(windows)} FROM ({inner}) AS w"
    sql = (
        f"SELECT {', '.join(aggregates)} FROM "
        f"(SELECT _ord{''.join(', ' + f for f in flags)} FROM ({inner}) AS i) AS f"
    )
    # the flags' parameters come first in the text, then the relation's
    row = con.execute(sql, [*params, *(relation_params or [])]).fetchone()
    assert row is not None
    total, values = int(row[0]), list(row[1:])

    results = []
    for i, (kind, kwargs, shown) in enumerate(configs):
        detail: dict[str, Any] = {}
        if kind == "expect_table_columns_to_match_set":
            success, detail = _columns_result(kwargs, columns)
        elif kind == "expect_table_row_count_to_be_between":
            low, high = kwargs.get("min_value"), kwargs.get("max_value")
            success = (low is None or total >= low) and (high is None or total <= high)
            detail = {"observed_value": total}
        else:
            m = maps[i]
            element, missing, unexpected, partial = values[:4]
            values = values[4:]
            counted = element if m.missing is None else element - missing
            success = unexpected == 0
            detail = {
                "element_count": element,
                "unexpected_count": unexpected,
                "unexpected_percent": (100.0 * unexpected / counted) if counted else None,
                "missing_count": None if m.missing is None else missing,
                "partial_unexpected_list": _json_value(list(partial or [])),
            }
            if kind == "expect_column_values_to_not_be_null":
                detail["unexpected_percent"] = 100.0 * unexpected / element if element else None
        results.append(
            {
                "expectation": kind,
                "column": kwargs.get("column")
                or ", ".join(str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs)
                or None,
                "kwargs": {k: v for k, v in shown.items() if k != "batch_id"},
                "success": bool(success),
                "element_count": detail.get("element_count"),
                "unexpected_count": detail.get("unexpected_count"),
                "unexpected_percent": detail.get("unexpected_percent"),
                "missing_count": detail.get("missing_count"),
                "partial_unexpected_list": detail.get("partial_unexpected_list"),
                "observed_value": detail.get("observed_value"),
                "exception": None,
            }
        )
    good = sum(r["success"] for r in results)
    statistics = {
        "evaluated_expectations": len(results),
        "successful_expectations": good,
        "unsuccessful_expectations": len(results) - good,
        "success_percent": 100.0 * good / len(results) if results else None,
    }
    return good == len(results), statistics, results, total
