"""The dbt semantic layer (MetricFlow): every catalog KPI is a metric, the configs validate,
and MetricFlow's answers equal the marts'.

The catalog checks and MetricFlow's semantic validation read the semantic manifest of
`dbt parse` (no warehouse). The answers are queried (MetricFlow's Python API, in a child
process: orchestration/metrics.py) from the warehouse of the session's pipeline run, and
compared with kpi_queue_daily and kpi_agent_daily: MetricFlow re-aggregates the additive
measures of kpi_queue_interval by local day, the mart sums the same intervals.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.catalog import Kpi, load_catalog
from orchestration.dbt_cli import run_dbt
from orchestration.semantic import (
    GENERATED_MODELS_PATH,
    METRICS_PATH,
    SemanticLayerError,
    aggregation_of,
    check_metrics_file,
    check_semantic_manifest,
    mart_columns,
    mart_grain,
    metric_model,
    render_metrics,
    render_semantic_models,
)
from tests.conftest import PROJECT_DIR, PipelineRun

TOLERANCE = 1e-6  # the marts round ratios to 6 decimals (numeric(28, 6))


@pytest.fixture(scope="module")
def semantic_manifest_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("semantic_parse")
    run_dbt(["parse"], warehouse_path=tmp / "parse.duckdb", target_path=tmp, quiet=True)
    return tmp / "semantic_manifest.json"


@pytest.fixture(scope="module")
def semantic_manifest(semantic_manifest_path: Path) -> dict:
    return json.loads(semantic_manifest_path.read_text())


def run_metrics(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.metrics", *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )


def planned_queries() -> dict[str, dict]:
    """Every MetricFlow query of this module, by name (they run in one process: MetricFlow's
    start-up is paid once, see `mf_answers`)."""
    catalog = load_catalog()
    queue = [k.kpi_key for k in catalog if k.models[0] == "kpi_queue_interval"]
    agent = [k.kpi_key for k in catalog if k.models[0] == "kpi_agent_daily"]
    queries = {
        "queue_daily": {
            "metrics": queue,
            "group_by": ["queue_interval__queue_id", "metric_time__day"],
        },
        "agent_daily": {
            "metrics": [*agent, "agent_aht_seconds"],
            "group_by": ["agent_day__agent_id", "metric_time__day"],
        },
        "period": {"metrics": ["service_level"], "group_by": ["queue_interval__queue_id"]},
    }
    for model in GENERATED:
        plan = _generated_plan(model)
        queries[model["name"]] = {
            "metrics": [k.kpi_key for k in plan["kpis"]],
            "group_by": [*(f"{plan['entity']}__{d}" for d in plan["dims"]), plan["time_key"]],
        }
    return queries


@pytest.fixture(scope="module")
def mf_answers(
    pipeline_run: PipelineRun, semantic_manifest_path: Path, tmp_path_factory
) -> dict[str, list]:
    path = tmp_path_factory.mktemp("mf") / "queries.json"
    path.write_text(json.dumps(planned_queries()), encoding="utf-8")
    proc = run_metrics(
        "batch",
        "--warehouse",
        str(pipeline_run.warehouse_path),
        "--semantic-manifest",
        str(semantic_manifest_path),
        "--queries",
        str(path),
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ every KPI is a metric


def test_metrics_file_is_generated_from_the_catalog() -> None:
    assert check_metrics_file(load_catalog()) == []


def test_metrics_file_check_fails_when_the_catalog_changes() -> None:
    kpis = load_catalog()
    assert check_metrics_file(kpis[:-1]), "a KPI dropped from the catalog went unnoticed"
    assert "name: " + kpis[0].kpi_key in render_metrics(kpis)
    assert METRICS_PATH.read_text(encoding="utf-8").count("\n- name: ") == len(kpis)


def test_every_catalog_kpi_is_a_metric_on_its_measures(semantic_manifest: dict) -> None:
    kpis = load_catalog()
    problems = check_semantic_manifest(kpis, semantic_manifest)
    assert not problems, "semantic layer:\n- " + "\n- ".join(problems)
    metrics = {m["name"]: m for m in semantic_manifest["metrics"]}
    for kpi in kpis:
        metric = metrics[kpi.kpi_key]
        assert metric["type"] == ("ratio" if kpi.numerator_column else "simple"), kpi.kpi_key


def test_semantic_check_names_what_is_missing(semantic_manifest: dict) -> None:
    kpis = load_catalog()
    doctored = copy.deepcopy(semantic_manifest)
    queue_model = next(s for s in doctored["semantic_models"] if s["name"] == "queue_intervals")
    queue_model["measures"] = [
        m for m in queue_model["measures"] if m["name"] != "service_level_denominator"
    ]
    summed = next(m for m in queue_model["measures"] if m["name"] == "calls_answered")
    summed["agg"] = "count"
    doctored["metrics"] = [m for m in doctored["metrics"] if m["name"] != "answer_rate"]
    problems = "\n".join(check_semantic_manifest(kpis, doctored))
    assert "has no measure service_level_denominator" in problems
    assert "measure calls_answered of semantic model queue_intervals is count(" in problems
    assert "KPI answer_rate has no semantic-layer metric" in problems


def test_metricflow_validates_the_configs(semantic_manifest_path: Path, tmp_path: Path) -> None:
    proc = run_metrics("validate", "--semantic-manifest", str(semantic_manifest_path))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    # ... and the validation can fail: a semantic model whose default time is no dimension
    broken = json.loads(semantic_manifest_path.read_text())
    model = next(m for m in broken["semantic_models"] if m["name"] == "queue_intervals")
    model["defaults"]["agg_time_dimension"] = "no_such_time"
    path = tmp_path / "semantic_manifest.json"
    path.write_text(json.dumps(broken))
    proc = run_metrics("validate", "--semantic-manifest", str(path))
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "no_such_time" in proc.stdout


# ------------------------------------------------------------- MetricFlow's answers = marts'


def _mart(run: PipelineRun, sql: str) -> dict:
    con = duckdb.connect(str(run.warehouse_path), read_only=True)
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return {(r[0], str(r[1])): dict(zip(names, r, strict=True)) for r in cur.fetchall()}
    finally:
        con.close()


def _compare(
    expected: dict, answered: dict, metrics: list[str], relative: float = 0.0
) -> list[str]:
    problems = []
    assert set(answered) == set(expected), (
        f"MetricFlow rows {len(answered)} vs mart rows {len(expected)}: "
        f"{sorted(set(answered) ^ set(expected))[:5]}"
    )
    for key, row in expected.items():
        for metric in metrics:
            want, got = row[metric], answered[key][metric]
            if want is None or got is None:
                if not (want is None and got is None):
                    problems.append(f"{key} {metric}: mart {want}, MetricFlow {got}")
            elif abs(float(want) - float(got)) > TOLERANCE + relative * abs(float(want)):
                problems.append(f"{key} {metric}: mart {want}, MetricFlow {got}")
    return problems


def test_metricflow_equals_kpi_queue_daily_for_every_queue_kpi(
    pipeline_run: PipelineRun, mf_answers: dict
) -> None:
    """Every catalog KPI of the queue model, per queue per local day, as MetricFlow answers
    it, equals the column of kpi_queue_daily (service level, AHT, abandonment rate...)."""
    metrics = planned_queries()["queue_daily"]["metrics"]
    assert {"service_level", "aht_seconds", "abandonment_rate", "calls_offered"} <= set(metrics)
    rows = mf_answers["queue_daily"]
    answered = {(r["queue_interval__queue_id"], r["metric_time__day"][:10]): r for r in rows}
    # kpi_queue_daily is keyed by queue, site and day; the simulated center has one site
    expected = _mart(
        pipeline_run,
        f"select queue_id, date_local, {', '.join(metrics)} from marts.kpi_queue_daily",
    )
    assert len(expected) > 20
    problems = _compare(expected, answered, metrics)
    assert not problems, "\n".join(problems[:20])


def test_metricflow_equals_kpi_agent_daily(pipeline_run: PipelineRun, mf_answers: dict) -> None:
    metrics = planned_queries()["agent_daily"]["metrics"][:-1]
    assert {"occupancy", "shrinkage", "contacts_handled"} <= set(metrics)
    rows = mf_answers["agent_daily"]
    answered = {(r["agent_day__agent_id"], r["metric_time__day"][:10]): r for r in rows}
    for row in answered.values():
        row["aht_seconds"] = row.pop("agent_aht_seconds")
    expected = _mart(
        pipeline_run,
        f"select agent_id, date_local, {', '.join(metrics)}, aht_seconds "
        "from marts.kpi_agent_daily",
    )
    problems = _compare(expected, answered, [*metrics, "aht_seconds"])
    assert not problems, "\n".join(problems[:20])


def test_metricflow_reaggregates_over_a_period(pipeline_run: PipelineRun, mf_answers: dict) -> None:
    """A whole period's service level per queue is the ratio of the sums, not a mean of days."""
    rows = mf_answers["period"]
    expected = _mart(
        pipeline_run,
        """
        select queue_id, '', sum(service_level_numerator) * 1.0 / sum(service_level_denominator)
        from marts.kpi_queue_daily group by queue_id
        """,
    )
    assert len(rows) == len(expected) >= 3
    for row in rows:
        want = list(expected[(row["queue_interval__queue_id"], "")].values())[-1]
        assert abs(row["service_level"] - float(want)) < 1e-9, row


GENERATED = yaml.safe_load(GENERATED_MODELS_PATH.read_text(encoding="utf-8"))["semantic_models"]
# marts the simulated center must fill, one of each family added after the queue and agent
# marts (customer outcomes: NPS, FCR; IVR containment; cost per contact; adherence; ...)
MUST_HAVE_ROWS = {
    "kpi_customer_outcomes_daily",
    "kpi_self_service_daily",
    "kpi_cost_monthly",
    "kpi_adherence_agent_daily",
    "kpi_channel_daily",
    "kpi_outbound_campaign_daily",
    "kpi_quality_daily",
}


def _generated_plan(semantic_model: dict) -> dict:
    """The mart, catalog KPIs, entity, time dimension and labels of a generated model."""
    mart = semantic_model["model"].split("'")[1]
    columns = mart_columns()
    time, *labels = semantic_model["dimensions"]
    return {
        "mart": mart,
        "kpis": [k for k in load_catalog() if metric_model(k, columns) == mart],
        "entity": semantic_model["primary_entity"],
        "time": time,
        "time_key": f"metric_time__{time['type_params']['time_granularity']}",
        "dims": [d["name"] for d in labels],
    }


@pytest.mark.parametrize("semantic_model", GENERATED, ids=[m["name"] for m in GENERATED])
def test_metricflow_equals_every_generated_mart(
    pipeline_run: PipelineRun, mf_answers: dict, semantic_model: dict
) -> None:
    """Every catalog KPI whose metric is on a generated semantic model, as MetricFlow answers
    it grouped by all the model's dimensions at the mart's grain, equals the mart's column:
    NPS, FCR, containment, cost per contact, adherence, QA score, WAPE, required agents..."""
    plan = _generated_plan(semantic_model)
    mart, kpis, entity, time, dims = (plan[k] for k in ("mart", "kpis", "entity", "time", "dims"))
    assert kpis, f"{semantic_model['name']}: no catalog KPI is on {mart}"
    rows = mf_answers[semantic_model["name"]]
    answered = {(*(r[f"{entity}__{d}"] for d in dims), r[plan["time_key"]][:10]): r for r in rows}
    con = duckdb.connect(str(pipeline_run.warehouse_path), read_only=True)
    try:
        date = time.get("expr", time["name"])
        if mart_grain(mart) == "interval":
            # an interval mart: MetricFlow's day is the day's intervals aggregated (D123)
            selected = ", ".join(f"{_day_value(k)} as {k.kpi_key}" for k in kpis)
            sql = (
                f"select {', '.join(dims)}, {date}, {selected} from marts.{mart} "
                f"group by {', '.join([*dims, date])}"
            )
        else:
            selected = ", ".join(f"{k.column_name or k.kpi_key} as {k.kpi_key}" for k in kpis)
            sql = f"select {', '.join(dims)}, {date}, {selected} from marts.{mart}"
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        expected = {
            (*r[: len(dims)], str(r[len(dims)])[:10]): dict(zip(names, r, strict=True))
            for r in cur.fetchall()
        }
    finally:
        con.close()
    if mart in MUST_HAVE_ROWS:
        assert expected, f"{mart} is empty in the pipeline run"
    problems = _compare(expected, answered, [k.kpi_key for k in kpis], relative=1e-5)
    assert not problems, "\n".join(problems[:20])


def _day_value(kpi: Kpi) -> str:
    """The KPI of a day of an interval mart, from its intervals' columns."""
    if kpi.numerator_column:
        return f"sum({kpi.numerator_column}) * 1.0 / nullif(sum({kpi.denominator_column}), 0)"
    agg = aggregation_of(kpi)
    return f"{agg}({kpi.column_name or kpi.kpi_key})"


# ------------------------------------------------------- the generated semantic models


def _kpi(**fields: object) -> Kpi:
    base = dataclasses.asdict(load_catalog()[0])
    base.update(fields)
    return Kpi(**base)


def test_semantic_model_generated_for_a_new_mart_from_the_catalog_row_alone() -> None:
    """A KPI on a mart no semantic model knows yet needs only its catalog row (and the mart's
    documented columns): its semantic model, measures and metric are generated."""
    kpi = _kpi(
        kpi_key="widget_rate",
        models=("kpi_widget_monthly", "kpi_widget_daily"),
        column_name="widget_rate",
        numerator_column="widget_rate_numerator",
        denominator_column="widget_rate_denominator",
        formula="widgets / contacts",
    )
    count = _kpi(
        kpi_key="widgets_peak",
        models=("kpi_widget_daily",),
        column_name="peak_widgets",
        numerator_column="",
        denominator_column="",
        formula="max(widgets)",
    )
    cols = ["widget_id", "team", "kpi_date", "peak_widgets", "widget_rate"]
    columns = {
        "kpi_widget_daily": [*cols, "widget_rate_numerator", "widget_rate_denominator"],
        "kpi_widget_monthly": [*cols, "widget_rate_numerator", "widget_rate_denominator"],
    }
    assert metric_model(kpi, columns) == "kpi_widget_daily"  # the finest grain, not the first
    (sm,) = yaml.safe_load(render_semantic_models([kpi, count], columns, {}))["semantic_models"]
    assert sm["model"] == "ref('kpi_widget_daily')"
    assert sm["primary_entity"] == "widget_day"
    assert sm["defaults"]["agg_time_dimension"] == "kpi_date"
    assert sm["entities"] == [{"name": "widget", "type": "foreign", "expr": "widget_id"}]
    assert [d["name"] for d in sm["dimensions"]] == ["kpi_date", "widget_id", "team"]
    assert sm["measures"] == [
        {"name": "widget_rate_numerator", "agg": "sum", "create_metric": True},
        {"name": "widget_rate_denominator", "agg": "sum", "create_metric": True},
        {"name": "widgets_peak", "expr": "peak_widgets", "agg": "max"},
    ]
    metrics = yaml.safe_load(render_metrics([kpi, count], columns))["metrics"]
    assert metrics[0]["type_params"] == {
        "numerator": "widget_rate_numerator",
        "denominator": "widget_rate_denominator",
    }
    assert metrics[1]["type_params"] == {"measure": "widgets_peak"}
    # a monthly-only KPI: a month time dimension, named so (one granularity per name)
    monthly = _kpi(**{**dataclasses.asdict(kpi), "models": ("kpi_widget_monthly",)})
    (sm,) = yaml.safe_load(render_semantic_models([monthly], columns, {}))["semantic_models"]
    assert sm["dimensions"][0] == {
        "name": "kpi_date_month",
        "type": "time",
        "expr": "kpi_date",
        "type_params": {"time_granularity": "month"},
    }


def test_generation_names_what_it_cannot_do() -> None:
    kpi = _kpi(
        kpi_key="widgets",
        models=("kpi_widget_daily",),
        column_name="widgets",
        numerator_column="",
        denominator_column="",
        formula="count of widgets",
    )
    with pytest.raises(SemanticLayerError, match="kpi_widget_daily documents no date column"):
        render_semantic_models([kpi], {"kpi_widget_daily": ["widget_id", "widgets"]}, {})
    with pytest.raises(SemanticLayerError, match="not documented in any models"):
        render_semantic_models([kpi], {}, {})
    hand = {"kpi_other": {"measures": [{"name": "widgets", "agg": "sum"}]}}
    with pytest.raises(SemanticLayerError, match="measure widgets of kpi_widget_daily is also"):
        render_semantic_models([kpi], {"kpi_widget_daily": ["kpi_date", "widgets"]}, hand)


def test_hand_written_models_are_kept_and_not_generated() -> None:
    generated = {m["model"] for m in GENERATED}
    assert "ref('kpi_queue_interval')" not in generated
    assert "ref('kpi_agent_daily')" not in generated
    marts = {metric_model(k) for k in load_catalog()}
    assert generated | {"ref('kpi_queue_interval')", "ref('kpi_agent_daily')"} == {
        f"ref('{m}')" for m in marts
    }
    # a KPI listed on a weekly mart first is on its daily mart when that has the columns
    by_key = {k.kpi_key: metric_model(k) for k in load_catalog()}
    assert by_key["fcr_rate"] == "kpi_customer_outcomes_daily"
    assert by_key["model_wape_weekly"] == "kpi_forecast_accuracy_weekly"
    assert by_key["speed_to_lead_minutes"] == "kpi_sales_daily"
