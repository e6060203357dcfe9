"""The KPI catalog (seeds/kpi_catalog.csv): loading it, generating its dbt doc blocks, and
checking it against the dbt project's manifest.

The catalog is the one text of every KPI: dbt reads it as a seed (marts.dim_kpis, for BI
tools and the report site's glossary and tile tooltips), and `render_doc_blocks()` turns it
into `models/marts/_kpi_catalog__docs.md`, one `{% docs kpi_<key> %}` block per KPI, which
the KPI columns of the kpi_* models use as their description (`{{ doc('kpi_<key>') }}`).

`check_manifest()` returns what is missing, as sentences that say what to do; it is run by
tests/test_kpi_catalog.py on the manifest of `dbt parse` (no warehouse needed).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestration.config import PROJECT_DIR

CATALOG_PATH = PROJECT_DIR / "seeds" / "kpi_catalog.csv"
DOCS_PATH = PROJECT_DIR / "models" / "marts" / "_kpi_catalog__docs.md"
PROJECT_NAME = "contact_center"

COLUMNS = (
    "kpi_key",
    "family",
    "name_en",
    "name_es",
    "definition_en",
    "definition_es",
    "formula",
    "unit",
    "direction",
    "default_target",
    "grain",
    "models",
    "column_name",
    "numerator_column",
    "denominator_column",
    "variant_of",
    "source",
)
FAMILIES = (
    "accessibility",
    "efficiency",
    "effectiveness",
    "customer_outcomes",
    "sales",
    "people",
    "cost",
    "planning",
    # the report site's family pages (issue 3)
    "customer_outcomes",
    "workforce",
    "people_quality",
    "data_quality",
)
UNITS = ("ratio", "seconds", "count", "minutes", "hours", "score", "currency", "number")
DIRECTIONS = ("higher_is_better", "lower_is_better", "neutral")
UNIT_TEXT = {
    "ratio": "ratio (0-1 decimal)",
    "seconds": "seconds",
    "count": "count",
    "minutes": "minutes",
    "hours": "hours",
    "score": "score (on the KPI's own scale: survey answers 1-5, 0-10 or 1-7; QA 0-100 points)",
    "currency": "amount of money in the extract's currency, without VAT",
    "number": "number (an average of counts)",
}
DIRECTION_TEXT = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "neutral": "neutral (no better direction)",
}


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the file, line and fix."""


@dataclass(frozen=True)
class Kpi:
    kpi_key: str
    family: str
    name_en: str
    name_es: str
    definition_en: str
    definition_es: str
    formula: str
    unit: str
    direction: str
    default_target: str
    grain: str
    models: tuple[str, ...]
    column_name: str
    numerator_column: str
    denominator_column: str
    variant_of: str
    source: str

    @property
    def doc_name(self) -> str:
        return f"kpi_{self.kpi_key}"


def load_catalog(path: Path = CATALOG_PATH) -> list[Kpi]:
    """Read the catalog; raise CatalogError (file:line: what is wrong) on a malformed row."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise CatalogError(
                f"{path}:1: the header must be {','.join(COLUMNS)}; found "
                f"{','.join(reader.fieldnames or [])}"
            )
        kpis: list[Kpi] = []
        seen: dict[str, int] = {}
        for line, row in enumerate(reader, start=2):
            values = {k: (row[k] or "").strip() for k in COLUMNS}
            where = f"{path}:{line} ({values['kpi_key'] or 'no kpi_key'})"
            for column in ("kpi_key", "name_en", "definition_en", "formula", "models"):
                if not values[column]:
                    raise CatalogError(f"{where}: {column} is empty")
            for column, allowed in (
                ("family", FAMILIES),
                ("unit", UNITS),
                ("direction", DIRECTIONS),
            ):
                if values[column] not in allowed:
                    raise CatalogError(
                        f"{where}: {column} {values[column]!r} is not one of {', '.join(allowed)}"
                    )
            if values["default_target"]:
                try:
                    float(values["default_target"])
                except ValueError:
                    raise CatalogError(
                        f"{where}: default_target {values['default_target']!r} is not a number"
                    ) from None
            if values["kpi_key"] in seen:
                raise CatalogError(
                    f"{where}: kpi_key repeats line {seen[values['kpi_key']]}; keys are unique"
                )
            seen[values["kpi_key"]] = line
            kpis.append(
                Kpi(
                    **{
                        **values,
                        "models": tuple(values["models"].split()),
                        "column_name": values["column_name"] or values["kpi_key"],
                    }
                )
            )
    return kpis


def _format_target(kpi: Kpi) -> str:
    if not kpi.default_target:
        return "none"
    value = float(kpi.default_target)
    return f"{value:.0%}" if kpi.unit == "ratio" else f"{value:g}"


def render_doc_block(kpi: Kpi) -> str:
    lines = [
        f"**{kpi.name_en}** ({kpi.name_es}): {kpi.definition_en}",
        "",
        f"Formula: `{kpi.formula}`.",
        f"Unit: {UNIT_TEXT[kpi.unit]}. Direction: {DIRECTION_TEXT[kpi.direction]}."
        f" Default target: {_format_target(kpi)}.",
    ]
    if kpi.numerator_column:
        lines.append(
            f"Re-aggregate as `sum({kpi.numerator_column}) / sum({kpi.denominator_column})`,"
            " never as an average of the stored ratios."
        )
    if kpi.variant_of:
        lines.append(f"Variant of `{kpi.variant_of}`.")
    lines.append(f"Grain: {kpi.grain}. Family: {kpi.family}. Source: {kpi.source}.")
    lines.append(f"KPI catalog key `{kpi.kpi_key}` (seeds/kpi_catalog.csv).")
    body = "\n".join(lines)
    return f"{{% docs {kpi.doc_name} %}}\n{body}\n{{% enddocs %}}\n"


def render_doc_blocks(kpis: Sequence[Kpi] | None = None) -> str:
    """The text of models/marts/_kpi_catalog__docs.md for the catalog."""
    kpis = load_catalog() if kpis is None else kpis
    header = (
        "{# GENERATED from seeds/kpi_catalog.csv by `ccwh catalog docs`"
        " (orchestration.catalog.write_doc_blocks): do not edit by hand.\n"
        "   One block per KPI, used by the KPI columns of the kpi_* models:"
        " {{ doc('kpi_<key>') }}. #}\n"
    )
    return header + "".join("\n" + render_doc_block(k) for k in kpis)


def write_doc_blocks(path: Path = DOCS_PATH, catalog_path: Path = CATALOG_PATH) -> Path:
    """Regenerate the doc blocks file from the catalog (the `ccwh catalog docs` command)."""
    path.write_text(render_doc_blocks(load_catalog(catalog_path)), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- checks


def _models(manifest: Mapping) -> dict[str, dict]:
    """Model name -> manifest node, for the project's models."""
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node.get("resource_type") == "model" and node.get("package_name") == PROJECT_NAME
    }


def _yaml_path(model: Mapping) -> str:
    return str(model.get("patch_path") or "the model's YAML").split("://")[-1]


def kpi_columns(model: Mapping) -> list[str]:
    """The KPI columns of a model: every X of its YAML columns with X_numerator and
    X_denominator."""
    names = set(model.get("columns", {}))
    return sorted(n for n in names if f"{n}_numerator" in names and f"{n}_denominator" in names)


def check_entries(kpis: Sequence[Kpi], manifest: Mapping) -> list[str]:
    """(a) every catalog entry's models, column, numerator and denominator exist."""
    problems: list[str] = []
    models = _models(manifest)
    for kpi in kpis:
        for model_name in kpi.models:
            model = models.get(model_name)
            if model is None:
                problems.append(
                    f"KPI {kpi.kpi_key}: model {model_name} (catalog column `models`) does not"
                    " exist in the dbt project; fix seeds/kpi_catalog.csv or add the model"
                )
                continue
            columns = model.get("columns", {})
            for role, column in (
                ("column_name", kpi.column_name),
                ("numerator_column", kpi.numerator_column),
                ("denominator_column", kpi.denominator_column),
            ):
                if column and column not in columns:
                    problems.append(
                        f"KPI {kpi.kpi_key}: column {column} ({role}) is missing from model"
                        f" {model_name}'s YAML columns ({_yaml_path(model)});"
                        " add it to the model and its YAML, or fix seeds/kpi_catalog.csv"
                    )
        if bool(kpi.numerator_column) != bool(kpi.denominator_column):
            problems.append(
                f"KPI {kpi.kpi_key}: give both numerator_column and denominator_column, or neither"
            )
    return problems


def check_coverage(kpis: Sequence[Kpi], manifest: Mapping) -> list[str]:
    """(b) every KPI column of a kpi_* model has a catalog entry naming that model."""
    problems: list[str] = []
    covered = {(m, k.column_name) for k in kpis for m in k.models}
    for name, model in sorted(_models(manifest).items()):
        if not name.startswith("kpi_"):
            continue
        for column in kpi_columns(model):
            if (name, column) not in covered:
                problems.append(
                    f"KPI column {name}.{column} (it has {column}_numerator and"
                    f" {column}_denominator) has no entry in seeds/kpi_catalog.csv naming model"
                    f" {name}; add a row (kpi_key, column_name {column}, models ... {name}), then"
                    " run `ccwh catalog docs`"
                )
    return problems


def check_docs_file(kpis: Sequence[Kpi], path: Path = DOCS_PATH) -> list[str]:
    """(c) the generated doc blocks file matches the catalog."""
    expected = render_doc_blocks(kpis)
    shown = path.relative_to(PROJECT_DIR) if path.is_relative_to(PROJECT_DIR) else path
    if not path.exists():
        return [f"{shown} is missing; run `ccwh catalog docs`"]
    if path.read_text(encoding="utf-8") != expected:
        return [
            f"{shown} is out of date with seeds/kpi_catalog.csv; run `ccwh catalog docs`"
            " (orchestration.catalog.write_doc_blocks)"
        ]
    return []


def check_descriptions(kpis: Sequence[Kpi], manifest: Mapping) -> list[str]:
    """(d) every catalog column of every model named has its doc block as description.

    The manifest holds descriptions with doc() already rendered, so a column uses its
    block when its description is that block's text.
    """
    problems: list[str] = []
    models = _models(manifest)
    docs = {d["name"]: d for d in manifest.get("docs", {}).values()}
    for kpi in kpis:
        block = docs.get(kpi.doc_name)
        if block is None:
            problems.append(
                f"KPI {kpi.kpi_key}: doc block {kpi.doc_name} is not in the dbt project;"
                " run `ccwh catalog docs`"
            )
            continue
        text = block["block_contents"].strip()
        for model_name in kpi.models:
            column = models.get(model_name, {}).get("columns", {}).get(kpi.column_name)
            if column is None:
                continue  # reported by check_entries
            if column.get("description", "").strip() != text:
                problems.append(
                    f"KPI {kpi.kpi_key}: column {model_name}.{kpi.column_name} does not use its"
                    f" catalog doc block; set its description to"
                    f" \"{{{{ doc('{kpi.doc_name}') }}}}\""
                    f" in {_yaml_path(models[model_name])}"
                )
    return problems


def check_manifest(
    manifest: Mapping, kpis: Sequence[Kpi] | None = None, docs_path: Path = DOCS_PATH
) -> list[str]:
    """Every problem between the catalog, the generated docs and the dbt project."""
    kpis = load_catalog() if kpis is None else kpis
    return (
        check_entries(kpis, manifest)
        + check_coverage(kpis, manifest)
        + check_docs_file(kpis, docs_path)
        + check_descriptions(kpis, manifest)
    )
