"""The contract's SQL engine (orchestration/ingest/contract_sql.py) against Great Expectations'
own pandas engine: the same suites on the same rows give the same result, expectation by
expectation (success, element, missing and unexpected counts, percentages, the partial
unexpected values, observed values). DECISIONS.md D140."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from defects import CASES
from test_ingest_defects import run_case

from orchestration.ingest import expectations
from orchestration.ingest.contract_sql import Unsupported, evaluate_suite
from orchestration.ingest.expectations import Rows, validate_frame, validate_rows
from orchestration.ingest.schema import RAW_TABLES


def _norm(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def _key(r: dict) -> str:
    return r["expectation"] + repr(sorted(r["kwargs"].items(), key=str))


def assert_same(sql_results: list[dict], gx_results: list[dict]) -> None:
    assert sorted(map(_key, sql_results)) == sorted(map(_key, gx_results))
    by_key = {_key(r): r for r in gx_results}
    for mine in sql_results:
        theirs = by_key[_key(mine)]
        for field in mine:
            a, b = _norm(mine[field]), _norm(theirs[field])
            if isinstance(a, float) and isinstance(b, float | int):
                assert a == pytest.approx(b), (field, mine, theirs)
            else:
                assert a == b, (field, mine, theirs)


def compare(con: duckdb.DuckDBPyConnection, source: str, rows: Rows, extra=()) -> None:
    suite = expectations.SUITES[source]()  # once: a suite's "now" must be the same for both
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(expectations.SUITES, source, lambda: suite)
        _compare(con, source, rows, extra)


def _compare(con: duckdb.DuckDBPyConnection, source: str, rows: Rows, extra=()) -> None:
    sql = validate_rows(con, source, rows, None, extra)
    frame = con.execute(f"SELECT * FROM {rows.sql} AS r ORDER BY {rows.order_by}", rows.params)
    gx = validate_frame(source, frame.df(), None, extra)
    assert (sql.success, sql.row_count) == (gx.success, gx.row_count)
    assert sql.statistics == pytest.approx(gx.statistics)
    assert_same(sql.results, gx.results)


def test_every_kind_of_expectation_as_gx_decides_it(monkeypatch) -> None:
    """Nulls, duplicates, compound keys, ordered pairs, a row condition, timestamps, regex,
    a failing row count: the SQL engine's result is GX's."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    con = duckdb.connect()
    con.execute(
        """
        CREATE TABLE t AS SELECT * FROM (VALUES
            (1, 1, 0, 'x', TIMESTAMP '2024-01-01 10:00:00', 'a'),
            (2, 2, 3, 'Y', NULL, 'a'),
            (3, 2, 1, 'x', TIMESTAMP '1990-01-01 00:00:00', 'b'),
            (4, NULL, 1, NULL, TIMESTAMP '2024-01-02 00:00:00', 'b'),
            (5, 5, NULL, 'z', TIMESTAMP '2024-01-03 00:00:00', NULL),
            (6, 7, 7, 'x', TIMESTAMP '2024-01-03 00:00:00', 'a')
        ) AS v(_row_number, a, b, s, t, k)
        """
    )
    suite = gx.ExpectationSuite(
        name="probe",
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(column_set=["a", "b", "zz"], exact_match=False),
            gxe.ExpectTableColumnsToMatchSet(column_set=["a", "b"], exact_match=False),
            gxe.ExpectColumnValuesToNotBeNull(column="a"),
            gxe.ExpectColumnValuesToNotBeNull(column="k"),
            gxe.ExpectColumnValuesToBeUnique(column="a"),
            gxe.ExpectColumnValuesToBeUnique(column="k"),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["a", "s"]),
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["k", "s"], ignore_row_if="any_value_is_missing"
            ),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="a", column_B="b", or_equal=True, ignore_row_if="either_value_is_missing"
            ),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="a", column_B="b", ignore_row_if="either_value_is_missing"
            ),
            gxe.ExpectColumnValuesToBeBetween(column="t", min_value=datetime(2000, 1, 1)),
            gxe.ExpectColumnValuesToBeBetween(column="b", min_value=0, max_value=2),
            gxe.ExpectColumnValuesToBeBetween(column="a", min_value=1, strict_min=True),
            gxe.ExpectColumnValuesToMatchRegex(column="s", regex="^[a-z]+$"),
            gxe.ExpectColumnValuesToBeInSet(column="s", value_set=["x", "z"]),
            gxe.ExpectColumnValuesToBeInSet(
                column="a", value_set=[1, 2], row_condition='s == "x"', condition_parser="pandas"
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="b", value_set=[0, 1], row_condition='k == "a"', condition_parser="pandas"
            ),
        ],
    )
    monkeypatch.setitem(expectations.SUITES, "asterisk_cdr", lambda: suite)
    rows = Rows("t", ["_row_number", "a", "b", "s", "t", "k"], "_row_number")
    extra = [gxe.ExpectTableRowCountToBeBetween(min_value=1, max_value=3)]
    compare(con, "asterisk_cdr", rows, extra)
    # and the SQL engine really ran (no fallback): one query, every result present
    success, stats, results, total = evaluate_suite(con, "t", rows.columns, suite, "_row_number")
    assert (success, total, len(results)) == (False, 6, 17)
    assert stats["unsuccessful_expectations"] == 15  # all but the columns and (a, s) keys


def test_an_expectation_without_sql_form_falls_back_to_gx(monkeypatch) -> None:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS _row_number, range % 3 AS a FROM range(10)")
    suite = gx.ExpectationSuite(
        name="probe", expectations=[gxe.ExpectColumnMeanToBeBetween(column="a", min_value=5)]
    )
    with pytest.raises(Unsupported):
        evaluate_suite(con, "t", ["_row_number", "a"], suite, "_row_number")
    monkeypatch.setitem(expectations.SUITES, "asterisk_cdr", lambda: suite)
    result = validate_rows(con, "asterisk_cdr", Rows("t", ["_row_number", "a"], "_row_number"))
    assert not result.success
    assert result.results[0]["expectation"] == "expect_column_mean_to_be_between"
    assert result.results[0]["observed_value"] == pytest.approx(0.9)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_defect_catalog_raw_tables_as_gx_decides_them(case, tmp_path: Path) -> None:
    """Every raw table a defect case leaves rows in, validated by both engines."""
    con, _ = run_case(case, tmp_path)
    checked = 0
    for source, table in RAW_TABLES.items():
        if source not in expectations.SUITES:
            continue
        if not con.execute(f"SELECT count(*) FROM {table.qualified}").fetchone()[0]:
            continue
        rows = Rows(table.qualified, table.all_column_names, "_file_name, _row_number")
        compare(con, source, rows)
        checked += 1
    assert checked or case.expected.rows_loaded == 0
