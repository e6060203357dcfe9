"""The Dagster graph: one Definitions object wiring landing files → raw tables → dbt → site."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.config import PROJECT_DIR
from orchestration.definitions import defs


def _graph() -> dg.AssetGraph:
    return defs.resolve_asset_graph()


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("main") is not None


def test_dbt_sources_are_the_ingestion_assets() -> None:
    graph = _graph()
    for raw in (["raw_asterisk", "queue_log"], ["raw_asterisk", "cdr"], ["raw_roster", "agents"]):
        key = dg.AssetKey(raw)
        assert graph.get(key).is_materializable, f"{key} is not an ingestion asset"
        children = graph.get(key).child_keys
        assert children, f"no dbt model reads {key}"


def test_raw_assets_have_their_contract_check() -> None:
    checks = {c.asset_key.path[-1] + ":" + c.name for c in _graph().asset_check_keys}
    for table in ("queue_log", "cdr", "agents"):
        assert f"{table}:great_expectations_contract" in checks


def test_dbt_tests_are_asset_checks() -> None:
    checks = _graph().asset_check_keys
    assert any(c.name.startswith("unique_") for c in checks)
    assert len(checks) > 100


def test_report_site_depends_on_the_kpi_tables() -> None:
    graph = _graph()
    parents = {k.path[-1] for k in graph.get(dg.AssetKey(["report_site"])).parent_keys}
    assert {"kpi_queue_daily", "kpi_queue_interval", "kpi_agent_daily"} <= parents
    # ... and, through the models, on every raw table
    upstream, frontier = set(), [dg.AssetKey(["report_site"])]
    while frontier:
        for parent in graph.get(frontier.pop()).parent_keys:
            if parent not in upstream:
                upstream.add(parent)
                frontier.append(parent)
    for raw in (["raw_asterisk", "queue_log"], ["raw_asterisk", "cdr"], ["raw_roster", "agents"]):
        assert dg.AssetKey(raw) in upstream


def test_contact_sources_are_ingestion_assets_with_their_contract() -> None:
    """Amazon Connect CTRs and mapped exports: one asset each, its GE check, dbt downstream."""
    graph = _graph()
    checks: dict[dg.AssetKey, set[str]] = {}
    for check in graph.asset_check_keys:
        checks.setdefault(check.asset_key, set()).add(check.name)
    for raw in (["raw_amazon_connect", "contact_trace_records"], ["raw_mapped", "contacts"]):
        key = dg.AssetKey(raw)
        assert graph.get(key).is_materializable, f"{key} is not an ingestion asset"
        assert "great_expectations_contract" in checks.get(key, set())
        staging = {k.path[-1] for k in graph.get(key).child_keys}
        assert staging & {"stg_amazon_connect__contacts", "stg_mapped__contacts"}, staging


def test_every_dbt_test_is_an_asset_check() -> None:
    """Source tests check the raw tables (ingestion assets) and each singular test reading
    several models names the one it checks (meta.dagster.ref): none is only an observation,
    which dagster-dbt logs as a warning at every run."""
    graph = _graph()
    checks = {c.name: c.asset_key for c in graph.asset_check_keys}
    source_test = "source_not_null_raw_amazon_connect_contact_trace_records_contact_id"
    assert checks[source_test] == dg.AssetKey(["raw_amazon_connect", "contact_trace_records"])
    assert checks["assert_every_enterqueue_is_one_offered_contact"].path[-1] == "fct_contacts"
    assert checks["assert_agent_states_add_up_to_logged_in_time"].path[-1] == "fct_agent_states"
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    tests = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert tests - set(checks) == set()
