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

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from orchestration.catalog import CATALOG_PATH, Kpi, load_catalog
from orchestration.config import PROJECT_DIR

METRICS_PATH = PROJECT_DIR / "models" / "semantic" / "_kpi__metrics.yml"
SEMANTIC_MODELS_PATH = PROJECT_DIR / "models" / "semantic" / "_semantic__semantic_models.yml"
GENERATED_MODELS_PATH = PROJECT_DIR / "models" / "semantic" / "_semantic__kpi_models.yml"

HEADER = """\
# Generated from seeds/kpi_catalog.csv by `ccwh catalog docs` (orchestration/semantic.py):
# do not edit. One dbt semantic-layer metric per KPI of the catalog; the measures they use are
# in _semantic__kpi_models.yml (generated too) or _semantic__semantic_models.yml (by hand)
# (docs/extending.md, "The semantic layer").
"""
MODELS_HEADER = """\
# Generated from seeds/kpi_catalog.csv and the marts' YAML by `ccwh catalog docs`
# (orchestration/semantic.py): do not edit. One semantic model per mart a catalog KPI's metric
# is on, unless _semantic__semantic_models.yml has a hand-written one for it (docs/extending.md,
# "The semantic layer").
"""


# date columns a mart may carry, in the site loader's order of preference
# (reports/src/data/_catalog.py DATE_COLUMNS); else its first column named *date*
DATE_COLUMNS = ["date_local", "date_day", "report_date", "contact_date", "date"]
# a mart's grain, finest first, from its name (kpi_x_interval, kpi_x_daily, _weekly, _monthly)
GRAIN_RANK = {"interval": 0, "day": 1, "week": 2, "month": 3}
# label columns that become categorical dimensions (besides every *_id column)
LABEL_COLUMNS = ("team", "channel", "campaign", "category", "entry_point", "currency")


class SemanticLayerError(ValueError):
    """The catalog and the marts' documented columns cannot make a semantic model."""


def mart_grain(model: str) -> str:
    if "_interval" in model:
        return "interval"
    if model.endswith("_weekly"):
        return "week"
    if model.endswith("_monthly"):
        return "month"
    return "day"


def mart_columns(models_dir: Path = PROJECT_DIR / "models") -> dict[str, list[str]]:
    """model name -> its documented columns, in order (the YAML files dbt parses: the same
    columns as the manifest's, without running dbt)."""
    paths = sorted(models_dir.rglob("*.yml"))
    signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    if signature not in _COLUMNS_CACHE:
        _COLUMNS_CACHE.clear()
        _COLUMNS_CACHE[signature] = _read_columns(paths)
    return {k: list(v) for k, v in _COLUMNS_CACHE[signature].items()}


_COLUMNS_CACHE: dict[tuple, dict[str, list[str]]] = {}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_columns(paths: Sequence[Path]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in paths:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}  # noqa: S506
        for model in doc.get("models") or []:
            if isinstance(model, dict) and model.get("name"):
                out[model["name"]] = [c["name"] for c in model.get("columns") or []]
    return out


def hand_written_models(path: Path = SEMANTIC_MODELS_PATH) -> dict[str, dict]:
    """mart -> its hand-written semantic model (models/semantic/_semantic__semantic_models.yml)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {}
    for sm in doc.get("semantic_models") or []:
        match = re.fullmatch(r"\s*ref\(\s*['\"](\w+)['\"]\s*\)\s*", sm.get("model", ""))
        if match:
            out[match.group(1)] = sm
    return out


def aggregation_of(kpi: Kpi) -> str:
    """ratio (numerator and denominator), else max / min / median when the catalog formula
    starts so, else sum (counts, amounts, seconds)."""
    if kpi.numerator_column:
        return "ratio"
    formula = kpi.formula.strip().lower()
    for agg in ("max", "min", "median"):
        if formula.startswith(agg):
            return agg
    return "sum"


def measures_of(kpi: Kpi) -> dict[str, tuple[str, str]]:
    """measure name -> (mart column it aggregates, agg), for the KPI's metric.

    Measure names are global in MetricFlow, so they are named after the KPI, not the column:
    `<kpi_key>_numerator` and `<kpi_key>_denominator` for a ratio, `<kpi_key>` otherwise.
    """
    if kpi.numerator_column:
        return {
            f"{kpi.kpi_key}_numerator": (kpi.numerator_column, "sum"),
            f"{kpi.kpi_key}_denominator": (kpi.denominator_column, "sum"),
        }
    return {kpi.kpi_key: (kpi.column_name or kpi.kpi_key, aggregation_of(kpi))}


def metric_model(kpi: Kpi, columns: Mapping[str, Sequence[str]] | None = None) -> str:
    """The mart whose semantic model the KPI's metric is built on: of the catalog models that
    document the columns it needs, the one with the finest time grain (interval, day, week,
    month), the first listed among equals."""
    columns = mart_columns() if columns is None else columns
    needed = [column for column, _ in measures_of(kpi).values()]
    candidates = [m for m in kpi.models if all(c in columns.get(m, ()) for c in needed)]
    return min(candidates or kpi.models, key=lambda m: GRAIN_RANK[mart_grain(m)])


def metric_of(kpi: Kpi, model: str) -> dict:
    measures = list(measures_of(kpi))
    metric: dict = {
        "name": kpi.kpi_key,
        "label": kpi.name_en,
        "description": kpi.definition_en,
    }
    if kpi.numerator_column:
        metric["type"] = "ratio"
        metric["type_params"] = {"numerator": measures[0], "denominator": measures[1]}
    else:
        metric["type"] = "simple"
        metric["type_params"] = {"measure": measures[0]}
    metric["config"] = {
        "meta": {
            "kpi_key": kpi.kpi_key,
            "family": kpi.family,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "model": model,
            "name_es": kpi.name_es,
        }
    }
    return metric


def _dump(doc: dict) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=96)


def render_metrics(
    kpis: Sequence[Kpi] | None = None, columns: Mapping[str, Sequence[str]] | None = None
) -> str:
    kpis = load_catalog() if kpis is None else kpis
    columns = mart_columns() if columns is None else columns
    metrics = [metric_of(k, metric_model(k, columns)) for k in kpis]
    return HEADER + _dump({"version": 2, "metrics": metrics})


def entity_name(mart: str) -> str:
    """kpi_channel_daily -> channel_day: the primary entity of the mart's semantic model."""
    base = mart.removeprefix("kpi_")
    for suffix, grain in (("_daily", "_day"), ("_weekly", "_week"), ("_monthly", "_month")):
        if base.endswith(suffix):
            return base[: -len(suffix)] + grain
    return base


def time_dimension(mart: str, columns: Sequence[str]) -> dict:
    """The mart's date column as a time dimension at the mart's grain (day for interval marts:
    a day's measures are the sums of its intervals'). A week or month dimension whose column
    does not say so is named `<column>_<grain>`: MetricFlow wants one granularity per name."""
    column = next((c for c in DATE_COLUMNS if c in columns), None) or next(
        (c for c in columns if "date" in c), None
    )
    if column is None:
        raise SemanticLayerError(
            f"{mart} documents no date column ({', '.join(DATE_COLUMNS)} or *date*), so it "
            "has no time dimension; document its date column in the mart's YAML"
        )
    grain = mart_grain(mart)
    grain = "day" if grain == "interval" else grain
    name = column if grain == "day" or grain in column else f"{column}_{grain}"
    dim: dict = {"name": name, "type": "time"}
    if name != column:
        dim["expr"] = column
    dim["type_params"] = {"time_granularity": grain}
    return dim


def semantic_model_of(mart: str, kpis: Sequence[Kpi], columns: Sequence[str]) -> dict:
    """The generated semantic model of a mart: its date as the default time, its id and label
    columns as (foreign entities and) categorical dimensions, the measures of its KPIs."""
    entity = entity_name(mart)
    time = time_dimension(mart, columns)
    ids = [c for c in columns if c.endswith("_id")]
    labels = [c for c in columns if c in ids or c in LABEL_COLUMNS]
    measures = []
    for kpi in kpis:
        for name, (column, agg) in measures_of(kpi).items():
            measure: dict = {"name": name}
            if column != name:
                measure["expr"] = column
            measure["agg"] = agg
            if kpi.numerator_column:
                measure["create_metric"] = True
            measures.append(measure)
    return {
        "name": entity + "s",
        "description": (
            f"{mart}, generated from the KPI catalog (`ccwh catalog docs`): the measures of "
            f"the KPIs whose metric is on this mart ({', '.join(k.kpi_key for k in kpis)})."
        ),
        "model": f"ref('{mart}')",
        "primary_entity": entity,
        "defaults": {"agg_time_dimension": time["name"]},
        "entities": [{"name": c[:-3], "type": "foreign", "expr": c} for c in ids],
        "dimensions": [time, *({"name": c, "type": "categorical"} for c in labels)],
        "measures": measures,
    }


def plan_semantic_models(
    kpis: Sequence[Kpi],
    columns: Mapping[str, Sequence[str]],
    hand_written: Mapping[str, dict],
) -> list[dict]:
    """The semantic models to generate: one per mart some KPI's metric is on, unless a
    hand-written one exists for it. Raise SemanticLayerError on a clash of measure names."""
    by_mart: dict[str, list[Kpi]] = {}
    for kpi in kpis:
        by_mart.setdefault(metric_model(kpi, columns), []).append(kpi)
    taken: dict[str, str] = {}
    for mart, sm in hand_written.items():
        for measure in sm.get("measures") or []:
            taken[measure["name"]] = mart
    models = []
    for mart, mart_kpis in by_mart.items():
        if mart in hand_written:
            continue
        if mart not in columns:
            raise SemanticLayerError(
                f"{mart} (a model of KPI {mart_kpis[0].kpi_key} in seeds/kpi_catalog.csv) is "
                "not documented in any models/**/*.yml, so it cannot have a semantic model"
            )
        sm = semantic_model_of(mart, mart_kpis, columns[mart])
        for measure in sm["measures"]:
            if measure["name"] in taken:
                raise SemanticLayerError(
                    f"measure {measure['name']} of {mart} is also a measure of "
                    f"{taken[measure['name']]}: measure names are global in MetricFlow"
                )
            taken[measure["name"]] = mart
        models.append(sm)
    # an element name is a dimension or an entity across all models (MetricFlow): an id
    # column whose entity name is a label elsewhere (campaign_id, campaign) is a dimension only
    dimensions = {
        d["name"] for sm in [*hand_written.values(), *models] for d in sm.get("dimensions") or []
    }
    for sm in models:
        sm["entities"] = [e for e in sm["entities"] if e["name"] not in dimensions]
    return models


def render_semantic_models(
    kpis: Sequence[Kpi] | None = None,
    columns: Mapping[str, Sequence[str]] | None = None,
    hand_written: Mapping[str, dict] | None = None,
) -> str:
    kpis = load_catalog() if kpis is None else kpis
    columns = mart_columns() if columns is None else columns
    hand_written = hand_written_models() if hand_written is None else hand_written
    models = plan_semantic_models(kpis, columns, hand_written)
    return MODELS_HEADER + _dump({"version": 2, "semantic_models": models})


def write_metrics(path: Path = METRICS_PATH, catalog_path: Path = CATALOG_PATH) -> Path:
    path.write_text(render_metrics(load_catalog(catalog_path)), encoding="utf-8")
    return path


def write_semantic_models(
    path: Path = GENERATED_MODELS_PATH, catalog_path: Path = CATALOG_PATH
) -> Path:
    path.write_text(render_semantic_models(load_catalog(catalog_path)), encoding="utf-8")
    return path


def check_metrics_file(
    kpis: Sequence[Kpi], path: Path = METRICS_PATH, models_path: Path = GENERATED_MODELS_PATH
) -> list[str]:
    """Whether the two generated files are those the catalog (and the marts' YAML) give."""
    problems = []
    for file, render in ((path, render_metrics), (models_path, render_semantic_models)):
        rel = file.relative_to(PROJECT_DIR) if file.is_relative_to(PROJECT_DIR) else file
        try:
            text = render(kpis)
        except SemanticLayerError as e:
            problems.append(f"{rel} cannot be generated: {e}")
            continue
        if not file.exists() or file.read_text(encoding="utf-8") != text:
            problems.append(
                f"{rel} is out of date with seeds/kpi_catalog.csv; run `ccwh catalog docs` "
                "(orchestration.semantic.write_metrics, write_semantic_models)"
            )
    return problems


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
    columns = mart_columns()
    for kpi in kpis:
        model = metric_model(kpi, columns)
        if kpi.kpi_key not in metrics:
            problems.append(
                f"KPI {kpi.kpi_key} has no semantic-layer metric; run `ccwh catalog docs`"
            )
        sm = models.get(model)
        if sm is None:
            problems.append(
                f"KPI {kpi.kpi_key}: model {model} has no semantic model; run `ccwh catalog "
                f"docs` (it generates one into {GENERATED_MODELS_PATH.name} unless "
                f"{SEMANTIC_MODELS_PATH.name} has one)"
            )
            continue
        measures = {m["name"]: m for m in sm.get("measures", [])}
        for name, (column, agg) in measures_of(kpi).items():
            measure = measures.get(name)
            if measure is None:
                problems.append(
                    f"KPI {kpi.kpi_key}: semantic model {sm['name']} ({model}) has no measure "
                    f"{name}; add `- name: {name}`"
                    + (f", `expr: {column}`" if column != name else "")
                    + f" with `agg: {agg}`"
                    + (", `create_metric: true`" if kpi.numerator_column else "")
                    + f" to its measures in {SEMANTIC_MODELS_PATH.name}"
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
                    f"`create_metric: true` on it in {SEMANTIC_MODELS_PATH.name}"
                )
    return problems
