"""Query the dbt semantic layer (MetricFlow) from Python, against any warehouse file.

`mf query` reads the semantic manifest from `<project>/target/` and the warehouse from the
profile; this does the same through MetricFlow's Python API with both given, so tests (and
scripts) can query a warehouse built elsewhere with a semantic manifest parsed elsewhere:

    python -m orchestration.metrics query --warehouse warehouse/ccwh.duckdb \
        --metrics service_level,aht_seconds --group-by queue_interval__queue_id,metric_time__day
    python -m orchestration.metrics validate [--warehouse warehouse/ccwh.duckdb]

`query` prints the rows as JSON (one object per row); `batch --queries q.json` runs several
queries on one MetricFlow engine (`{name: {"metrics", "group_by", "where"}}` in, `{name:
rows}` out), which saves MetricFlow's start-up per query; `validate` runs MetricFlow's semantic
validations (what `mf validate-configs` runs) and, given a warehouse, its data-warehouse
validations (every semantic model, dimension, entity, measure and metric queried), printing
the issues and exiting 1 on a blocking one. Run them in their own process: dbt's adapter
registry is global to a process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from orchestration.config import PROJECT_DIR, quiet_tools_env


def _engine_parts(warehouse: Path, semantic_manifest: Path):
    """(semantic manifest, SQL client on the warehouse) as MetricFlow's CLI builds them."""
    os.environ["CCWH_WAREHOUSE"] = str(Path(warehouse).resolve())
    os.environ.setdefault("CCWH_DBT_TARGET", "duckdb")
    from dbt.adapters.factory import get_adapter_by_type
    from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
    from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtProjectMetadata

    project = dbtProjectMetadata.load_from_paths(
        profiles_path=PROJECT_DIR, project_path=PROJECT_DIR
    )
    adapter = get_adapter_by_type(project.profile.credentials.type)
    # DuckDB names a file's catalog after the file: the relations of a manifest parsed
    # against another file name are moved to this warehouse's catalog
    manifest = load_semantic_manifest(semantic_manifest, database=Path(warehouse).stem)
    return manifest, AdapterBackedSqlClient(adapter)


def _relocate(node: object, database: str) -> None:
    """Set the database of every node_relation in a semantic manifest (JSON) to `database`."""
    if isinstance(node, dict):
        relation = node.get("node_relation")
        if isinstance(relation, dict) and relation.get("database"):
            relation["database"] = database
            relation["relation_name"] = (
                f'"{database}"."{relation["schema_name"]}"."{relation["alias"]}"'
            )
        for value in node.values():
            _relocate(value, database)
    elif isinstance(node, list):
        for value in node:
            _relocate(value, database)


def load_semantic_manifest(path: Path, database: str | None = None):
    from metricflow_semantics.model.dbt_manifest_parser import (
        parse_manifest_from_dbt_generated_manifest,
    )

    raw = json.loads(Path(path).read_text())
    if database:
        _relocate(raw, database)
    return parse_manifest_from_dbt_generated_manifest(manifest_json_string=json.dumps(raw))


def validate(semantic_manifest: Path, warehouse: Path | None = None) -> list[str]:
    """MetricFlow's validations; returns the blocking issues as text (empty: valid)."""
    from metricflow_semantic_interfaces.validations.semantic_manifest_validator import (
        SemanticManifestValidator,
    )

    manifest = load_semantic_manifest(semantic_manifest)
    results = [SemanticManifestValidator().validate_semantic_manifest(manifest)]
    if warehouse is not None and not results[0].has_blocking_issues:
        from metricflow.validation.data_warehouse_model_validator import (
            DataWarehouseModelValidator,
        )

        _, client = _engine_parts(warehouse, semantic_manifest)
        validator = DataWarehouseModelValidator(sql_client=client)
        for check in (
            validator.validate_semantic_models,
            validator.validate_dimensions,
            validator.validate_entities,
            validator.validate_simple_metrics,
            validator.validate_metrics,
        ):
            results.append(check(manifest))
    return [
        f"{issue.level.name}: {issue.message}"
        for result in results
        for issue in result.all_issues
        if issue.level.name in ("ERROR", "FUTURE_ERROR")
    ]


def query(
    warehouse: Path,
    metrics: Sequence[str],
    group_by: Sequence[str],
    semantic_manifest: Path,
    where: Sequence[str] = (),
) -> list[dict]:
    from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    manifest, client = _engine_parts(warehouse, semantic_manifest)
    engine = MetricFlowEngine(
        semantic_manifest_lookup=SemanticManifestLookup(manifest), sql_client=client
    )
    result = engine.query(
        MetricFlowQueryRequest.create(
            metric_names=list(metrics),
            group_by_names=list(group_by),
            where_constraints=list(where) or None,
        )
    )
    table = result.result_df
    names = list(table.column_names)
    return [dict(zip(names, row, strict=True)) for row in table.rows]


def query_batch(
    warehouse: Path, queries: dict[str, dict], semantic_manifest: Path
) -> dict[str, list[dict]]:
    """Several queries on one engine (one MetricFlow start): {name: {"metrics": [...],
    "group_by": [...], "where": [...]}} -> {name: rows}."""
    from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    manifest, client = _engine_parts(warehouse, semantic_manifest)
    engine = MetricFlowEngine(
        semantic_manifest_lookup=SemanticManifestLookup(manifest), sql_client=client
    )
    answers = {}
    for name, q in queries.items():
        result = engine.query(
            MetricFlowQueryRequest.create(
                metric_names=list(q["metrics"]),
                group_by_names=list(q.get("group_by", [])),
                where_constraints=list(q.get("where", [])) or None,
            )
        )
        table = result.result_df
        names = list(table.column_names)
        answers[name] = [dict(zip(names, row, strict=True)) for row in table.rows]
    return answers


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def main(argv: list[str] | None = None) -> int:
    quiet_tools_env()
    parser = argparse.ArgumentParser(prog="python -m orchestration.metrics")
    sub = parser.add_subparsers(dest="command", required=True)
    q = sub.add_parser("query", help="query metrics, print JSON rows")
    q.add_argument("--warehouse", required=True, help="DuckDB warehouse file")
    q.add_argument("--metrics", required=True, help="comma-separated metric names")
    q.add_argument("--group-by", default="", help="comma-separated group-by names")
    q.add_argument("--where", action="append", default=[], help="MetricFlow where filter")
    b = sub.add_parser("batch", help="several queries in one process, JSON in and out")
    b.add_argument("--warehouse", required=True, help="DuckDB warehouse file")
    b.add_argument(
        "--queries",
        required=True,
        help='JSON file {name: {"metrics": [...], "group_by": [...], "where": [...]}}',
    )
    v = sub.add_parser("validate", help="MetricFlow's validations (semantic, then warehouse)")
    v.add_argument("--warehouse", default=None, help="also validate against this warehouse")
    for p in (q, b, v):
        p.add_argument(
            "--semantic-manifest",
            default=str(PROJECT_DIR / "target" / "semantic_manifest.json"),
            help="semantic_manifest.json written by `dbt parse` (default target/)",
        )
    args = parser.parse_args(argv)
    if args.command == "validate":
        issues = validate(
            Path(args.semantic_manifest), Path(args.warehouse) if args.warehouse else None
        )
        for issue in issues:
            print(issue)
        print(f"{len(issues)} blocking issues")
        return 1 if issues else 0
    if args.command == "batch":
        queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
        answers = query_batch(Path(args.warehouse), queries, Path(args.semantic_manifest))
        json.dump(
            {
                n: [{k: _json_value(v) for k, v in r.items()} for r in rows]
                for n, rows in answers.items()
            },
            sys.stdout,
        )
        sys.stdout.write("\n")
        return 0
    rows = query(
        Path(args.warehouse),
        [m for m in args.metrics.split(",") if m],
        [g for g in args.group_by.split(",") if g],
        Path(args.semantic_manifest),
        args.where,
    )
    json.dump([{k: _json_value(v) for k, v in row.items()} for row in rows], sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
