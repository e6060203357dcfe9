"""The KPI catalog as dbt semantic-layer metrics (MetricFlow).

`render_metrics()` turns every row of seeds/kpi_catalog.csv into one metric, written to
`models/semantic/_kpi__metrics.yml` by `ccwh catalog docs` (with the doc blocks); never edit
that file by hand. The metric is named after the KPI (`kpi_key`) and built from measures of
the semantic model of the first model the row lists
(models/semantic/_semantic__semantic_models.yml):

- a KPI with a numerator and a denominator (ratios and averages): a `ratio` metric of the
  metrics `<numerator_column>` and `<denominator_column>` (measures with `create_metric: true`);
- a KPI without (counts, the longest wait): a `simple` metric of the measure `<column_name>`,
  which sums the column, or takes its max (min) when the catalog formula is `max(...)`
  (`min(...)`).

`check_semantic_manifest()` checks the other half, which is hand-written: that each of those
measures exists on the right semantic model and sums (or, for a maximum, maxes) the right
column. tests/test_semantic_layer.py runs both checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from orchestration.catalog import CATALOG_PATH, Kpi, load_catalog
from orchestration.config import PROJECT_DIR

METRICS_PATH = PROJECT_DIR / "models" / "semantic" / "_kpi__metrics.yml"
SEMANTIC_MODELS_PATH = PROJECT_DIR / "models" / "semantic" / "_semantic__semantic_models.yml"

HEADER = """\
# Generated from seeds/kpi_catalog.csv by `ccwh catalog docs` (orchestration/semantic.py):
# do not edit. One dbt semantic-layer metric per KPI of the catalog; the measures they use are
# in _semantic__semantic_models.yml (docs/extending.md, "The semantic layer").
"""


def metric_model(kpi: Kpi) -> str:
    """The mart whose semantic model the KPI's metric is built on: the first one listed."""
    return kpi.models[0]


def measures_of(kpi: Kpi) -> dict[str, str]:
    """measure name -> mart column it aggregates, for the KPI's metric."""
    if kpi.numerator_column:
        return {
            kpi.numerator_column: kpi.numerator_column,
            kpi.denominator_column: kpi.denominator_column,
        }
    return {kpi.column_name: kpi.column_name}


def metric_of(kpi: Kpi) -> dict:
    metric: dict = {
        "name": kpi.kpi_key,
        "label": kpi.name_en,
        "description": kpi.definition_en,
    }
    if kpi.numerator_column:
        metric["type"] = "ratio"
        metric["type_params"] = {
            "numerator": kpi.numerator_column,
            "denominator": kpi.denominator_column,
        }
    else:
        metric["type"] = "simple"
        metric["type_params"] = {"measure": kpi.column_name}
    metric["config"] = {
        "meta": {
            "kpi_key": kpi.kpi_key,
            "family": kpi.family,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "model": metric_model(kpi),
            "name_es": kpi.name_es,
        }
    }
    return metric


def render_metrics(kpis: Sequence[Kpi] | None = None) -> str:
    kpis = load_catalog() if kpis is None else kpis
    body = yaml.safe_dump(
        {"version": 2, "metrics": [metric_of(k) for k in kpis]},
        sort_keys=False,
        allow_unicode=True,
        width=96,
    )
    return HEADER + body


def write_metrics(path: Path = METRICS_PATH, catalog_path: Path = CATALOG_PATH) -> Path:
    path.write_text(render_metrics(load_catalog(catalog_path)), encoding="utf-8")
    return path


def check_metrics_file(kpis: Sequence[Kpi], path: Path = METRICS_PATH) -> list[str]:
    rel = path.relative_to(PROJECT_DIR) if path.is_relative_to(PROJECT_DIR) else path
    if not path.exists() or path.read_text(encoding="utf-8") != render_metrics(kpis):
        return [
            f"{rel} is out of date with seeds/kpi_catalog.csv; run `ccwh catalog docs` "
            "(orchestration.semantic.write_metrics)"
        ]
    return []


def check_semantic_manifest(kpis: Sequence[Kpi], semantic_manifest: Mapping) -> list[str]:
    """What the semantic layer lacks for the catalog, as sentences that say what to do.

    `semantic_manifest` is dbt's target/semantic_manifest.json (written by `dbt parse`).
    """
    problems: list[str] = []
    models = {}
    for sm in semantic_manifest.get("semantic_models", []):
        ref = sm.get("node_relation", {}).get("alias") or ""
        models[ref] = sm
    metrics = {m["name"]: m for m in semantic_manifest.get("metrics", [])}
    where = SEMANTIC_MODELS_PATH.relative_to(PROJECT_DIR)
    for kpi in kpis:
        model = metric_model(kpi)
        if kpi.kpi_key not in metrics:
            problems.append(
                f"KPI {kpi.kpi_key} has no semantic-layer metric; run `ccwh catalog docs`"
            )
        sm = models.get(model)
        if sm is None:
            problems.append(
                f"KPI {kpi.kpi_key}: model {model} (the first of its catalog models) has no "
                f"semantic model; add one to {where} with the measures "
                f"{', '.join(measures_of(kpi))}"
            )
            continue
        measures = {m["name"]: m for m in sm.get("measures", [])}
        for name, column in measures_of(kpi).items():
            measure = measures.get(name)
            agg = (
                "max" if kpi.column_name.startswith("max_") and not kpi.numerator_column else "sum"
            )
            if measure is None:
                problems.append(
                    f"KPI {kpi.kpi_key}: semantic model {sm['name']} ({model}) has no measure "
                    f"{name}; add `- name: {name}` with `agg: {agg}`"
                    + (", `create_metric: true`" if kpi.numerator_column else "")
                    + f" to its measures in {where}"
                )
                continue
            expr = measure.get("expr") or name
            if expr != column or measure.get("agg") != agg:
                problems.append(
                    f"KPI {kpi.kpi_key}: measure {name} of semantic model {sm['name']} is "
                    f"{measure.get('agg')}({expr}); it must be {agg}({column})"
                )
            if kpi.numerator_column and name not in metrics:
                problems.append(
                    f"KPI {kpi.kpi_key}: measure {name} has no metric of its own; set "
                    f"`create_metric: true` on it in {where}"
                )
    return problems
