"""The KPI catalog (seeds/kpi_catalog.csv) against the dbt project, on the manifest of
`dbt parse` (no warehouse is built).

The catalog test fails, saying what is missing, when a catalog entry names a model or
column that does not exist, when a KPI column of a kpi_* model (any X with X_numerator and
X_denominator) has no entry, when models/marts/_kpi_catalog__docs.md is out of date, or
when a KPI column's description is not its catalog doc block. The tests after it feed the
checker doctored catalogs and manifests, to prove each check can fail.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest

from orchestration.catalog import (
    DOCS_PATH,
    CatalogError,
    Kpi,
    check_coverage,
    check_descriptions,
    check_docs_file,
    check_entries,
    check_manifest,
    load_catalog,
    render_doc_blocks,
)
from orchestration.dbt_cli import run_dbt


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("kpi_catalog_parse")
    run_dbt(["parse"], warehouse_path=tmp / "parse.duckdb", target_path=tmp, quiet=True)
    return json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kpis() -> list[Kpi]:
    return load_catalog()


def by_key(kpis: list[Kpi], key: str) -> Kpi:
    return next(k for k in kpis if k.kpi_key == key)


def model_node(manifest: dict, name: str) -> dict:
    return next(
        n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["name"] == name
    )


# --------------------------------------------------------------------------- the catalog test


def test_catalog_matches_the_dbt_project(manifest: dict, kpis: list[Kpi]) -> None:
    problems = check_manifest(manifest, kpis)
    assert not problems, "KPI catalog:\n- " + "\n- ".join(problems)


def test_catalog_lists_the_headline_counts_and_every_kpi_column(kpis: list[Kpi]) -> None:
    keys = {k.kpi_key for k in kpis}
    assert {
        "calls_offered",
        "calls_answered",
        "calls_abandoned",
        "calls_short_abandoned",
        "calls_lost_before_queue",
        "calls_transferred",
        "max_wait_seconds",
        "contacts_handled",
        "service_level",
        "short_abandon_rate",
        "occupancy",
    } <= keys
    for kpi in kpis:
        if kpi.variant_of:
            assert kpi.variant_of in keys, f"{kpi.kpi_key}: variant_of {kpi.variant_of} unknown"
        assert kpi.name_es and kpi.definition_es, f"{kpi.kpi_key}: Spanish name or definition"


def test_doc_blocks_file_is_generated_from_the_catalog(kpis: list[Kpi]) -> None:
    text = DOCS_PATH.read_text(encoding="utf-8")
    assert text == render_doc_blocks(kpis), "run `ccwh catalog docs`"
    assert text.count("{% docs kpi_") == len(kpis)


def test_doc_blocks_are_the_only_text_of_each_kpi(manifest: dict, kpis: list[Kpi]) -> None:
    """One text per KPI: no other doc block of the project is named after a catalog KPI."""
    names = {d["name"] for d in manifest["docs"].values() if d["package_name"] == "contact_center"}
    for kpi in kpis:
        assert kpi.doc_name in names
        for stale in (f"voice_{kpi.kpi_key}", f"agent_{kpi.kpi_key}"):
            assert stale not in names, f"duplicate doc block {stale}: use {kpi.doc_name}"


# --------------------------------------------------------------------------- it can fail


def test_fails_when_an_entry_names_a_missing_model_or_column(
    manifest: dict, kpis: list[Kpi]
) -> None:
    sl = by_key(kpis, "service_level")
    doctored = [
        dataclasses.replace(sl, models=("kpi_queue_interval", "kpi_queue_weekly")),
        dataclasses.replace(by_key(kpis, "answer_rate"), numerator_column="answer_rate_numerater"),
    ]
    problems = check_entries(doctored, manifest)
    assert (
        "KPI service_level: model kpi_queue_weekly (catalog column `models`) does not exist"
        " in the dbt project; fix seeds/kpi_catalog.csv or add the model"
    ) in problems
    assert any(
        p.startswith(
            "KPI answer_rate: column answer_rate_numerater (numerator_column) is missing from"
            " model kpi_queue_interval's YAML columns (models/marts/voice/_voice__models.yml)"
        )
        for p in problems
    ), problems


def test_fails_when_a_kpi_column_has_no_entry(manifest: dict, kpis: list[Kpi]) -> None:
    """A half-added KPI: the SQL and the YAML columns exist, the catalog row does not."""
    without = [k for k in kpis if k.kpi_key != "short_abandon_rate"]
    problems = check_coverage(without, manifest)
    assert problems == [
        f"KPI column {model}.short_abandon_rate (it has short_abandon_rate_numerator and"
        " short_abandon_rate_denominator) has no entry in seeds/kpi_catalog.csv naming model"
        f" {model}; add a row (kpi_key, column_name short_abandon_rate, models ... {model}),"
        " then run `ccwh catalog docs`"
        for model in ("kpi_queue_daily", "kpi_queue_interval")
    ]


def test_fails_when_a_new_ratio_column_appears_in_a_kpi_model(
    manifest: dict, kpis: list[Kpi]
) -> None:
    doctored = copy.deepcopy(manifest)
    columns = model_node(doctored, "kpi_agent_daily")["columns"]
    for name in ("adherence", "adherence_numerator", "adherence_denominator"):
        columns[name] = {"name": name, "description": ""}
    problems = check_coverage(kpis, doctored)
    assert len(problems) == 1 and problems[0].startswith(
        "KPI column kpi_agent_daily.adherence (it has adherence_numerator and"
        " adherence_denominator) has no entry in seeds/kpi_catalog.csv"
    ), problems


def test_fails_when_the_docs_file_is_out_of_date(kpis: list[Kpi], tmp_path: Path) -> None:
    docs = tmp_path / "_kpi_catalog__docs.md"
    docs.write_text(render_doc_blocks(kpis), encoding="utf-8")
    assert check_docs_file(kpis, docs) == []
    changed = [dataclasses.replace(kpis[0], definition_en="Something else.")] + kpis[1:]
    assert check_docs_file(changed, docs) == [
        f"{docs} is out of date with seeds/kpi_catalog.csv; run `ccwh catalog docs`"
        " (orchestration.catalog.write_doc_blocks)"
    ]
    assert check_docs_file(kpis, tmp_path / "missing.md") == [
        f"{tmp_path / 'missing.md'} is missing; run `ccwh catalog docs`"
    ]


def test_fails_when_a_kpi_column_does_not_use_its_doc_block(
    manifest: dict, kpis: list[Kpi]
) -> None:
    doctored = copy.deepcopy(manifest)
    column = model_node(doctored, "kpi_queue_daily")["columns"]["asa_seconds"]
    column["description"] = "Average speed of answer, written by hand."
    problems = check_descriptions(kpis, doctored)
    assert problems == [
        "KPI asa_seconds: column kpi_queue_daily.asa_seconds does not use its catalog doc"
        " block; set its description to \"{{ doc('kpi_asa_seconds') }}\" in"
        " models/marts/voice/_voice__models.yml"
    ]


def test_fails_when_the_doc_block_is_missing(manifest: dict, kpis: list[Kpi]) -> None:
    doctored = copy.deepcopy(manifest)
    doctored["docs"] = {k: v for k, v in doctored["docs"].items() if v["name"] != "kpi_occupancy"}
    assert check_descriptions(kpis, doctored) == [
        "KPI occupancy: doc block kpi_occupancy is not in the dbt project; run `ccwh catalog docs`"
    ]


def test_load_catalog_says_where_a_row_is_wrong(tmp_path: Path) -> None:
    source = (Path(__file__).resolve().parent.parent / "seeds" / "kpi_catalog.csv").read_text(
        encoding="utf-8"
    )
    bad = tmp_path / "kpi_catalog.csv"
    bad.write_text(source.replace(",ratio,higher_is_better,0.8,", ",percent,higher_is_better,0.8,"))
    with pytest.raises(CatalogError, match=r"csv:\d+ \(service_level\): unit 'percent'"):
        load_catalog(bad)
