"""No model's query plan on DuckDB joins by nested loop (DECISIONS.md D202).

A join condition DuckDB cannot hash or sort on (an OR, or a condition on one side only in
a left join's ON clause) becomes a BLOCKWISE_NL_JOIN: every row against every row, whatever
the sizes. It passes every test on a small center and costs minutes at a year
(kpi_channel_daily ran for more than 12 minutes before D202). So every model of the project
is compiled against the end-to-end warehouse and EXPLAINed there, and such a join fails the
test with the model's name. Not flagged: a blockwise join on `true` (a cross product, whose
cost is its output: the default-site lookups), one with a side DuckDB estimates at 10 rows
or fewer (a scalar subquery's bounds, the digits of a number spine), NESTED_LOOP_JOIN
(comparisons against a side the planner estimates small; with larger sides it plans an
IE_JOIN or PIECEWISE_MERGE_JOIN), and the range and hash joins.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, PipelineRun

from orchestration.dbt_cli import run_dbt

SMALL_SIDE_ROWS = 10


@pytest.fixture(scope="module")
def compiled_models(
    pipeline_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """The end-to-end warehouse (a copy) and every model's compiled SQL against it."""
    root = tmp_path_factory.mktemp("plans")
    warehouse = root / "ccwh.duckdb"
    shutil.copy(pipeline_run.warehouse_path, warehouse)
    target = root / "target"
    run_dbt(
        ["compile", "--quiet", "--select", "resource_type:model"],
        warehouse_path=warehouse,
        target_path=target,
        quiet=True,
    )
    manifest = json.loads((target / "manifest.json").read_text())
    models = {
        node["name"]: node["compiled_code"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node.get("compiled_code")
    }
    return warehouse, models


def nested_loops(con, sql: str) -> list[str]:
    """The join conditions of the plan of `sql` that DuckDB evaluates row against row."""
    (plan,) = [json.loads(row[1]) for row in con.execute("EXPLAIN (FORMAT JSON) " + sql).fetchall()]
    found, todo = [], list(plan)
    while todo:
        node = todo.pop()
        todo.extend(node.get("children", []))
        info = node.get("extra_info", {})
        if node["name"] != "BLOCKWISE_NL_JOIN" or info.get("Condition") == "true":
            continue
        sizes = [
            int(c["extra_info"]["Estimated Cardinality"])
            for c in node.get("children", [])
            if "Estimated Cardinality" in c.get("extra_info", {})
        ]
        if not any(size <= SMALL_SIDE_ROWS for size in sizes):
            found.append(f"{info.get('Join Type')} join on {info.get('Condition')}, sides {sizes}")
    return found


def test_the_check_sees_a_nested_loop_join(compiled_models) -> None:
    import duckdb

    warehouse, _ = compiled_models
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        hashable = "select * from range(1000) a(x) left join range(1000) b(y) on a.x = b.y"
        assert nested_loops(con, hashable) == []
        # the pattern of D202: a condition on the left side only in a left join's ON clause
        one_sided = (
            "select * from (select x, x % 2 as k from range(1000) t(x)) a "
            "left join range(1000) b(y) on a.k = 1 and a.x = b.y"
        )
        assert nested_loops(con, one_sided) == [
            "LEFT join on ((k = 1) AND (x = y)), sides [1000, 1000]"
        ]
        # against a side of 10 rows or fewer it is not flagged
        assert nested_loops(con, one_sided.replace("range(1000) b", "range(10) b")) == []
    finally:
        con.close()


def test_no_model_joins_by_nested_loop(compiled_models) -> None:
    import duckdb

    warehouse, models = compiled_models
    assert len(models) == len(list((PROJECT_DIR / "models").rglob("*.sql"))), sorted(models)
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    found = {}
    try:
        for name, sql in sorted(models.items()):
            loops = nested_loops(con, sql)
            if loops:
                found[name] = loops
    finally:
        con.close()
    assert not found, "nested-loop joins (D202):\n" + "\n".join(
        f"- {name}: {loop}" for name, loops in found.items() for loop in loops
    )
