"""The site's catalog-driven loaders on a small hand-made warehouse (no browser, no dbt).

A KPI mart another team adds later must reach the site with no site code: the loaders
find it from marts.dim_kpis and information_schema (reports/src/data/_catalog.py). Here a
warehouse with one queue-day model, one agent-day model, a `csat` mart that has no date
column and a catalog row whose mart does not exist shows what the family pages get.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

DATA = Path(__file__).resolve().parent.parent / "reports" / "src" / "data"

CATALOG_COLUMNS = [
    "kpi_key", "family", "name_en", "name_es", "definition_en", "definition_es", "formula",
    "unit", "direction", "default_target", "grain", "models", "column_name",
    "numerator_column", "denominator_column", "variant_of", "source",
]  # fmt: skip


def kpi(key, family, unit, models, column, num=None, den=None, formula=None, target=None):
    return {
        "kpi_key": key, "family": family, "name_en": key, "name_es": key,
        "definition_en": f"{key} en", "definition_es": f"{key} es",
        "formula": formula or (f"{num} / {den}" if num else f"count of {column}"),
        "unit": unit, "direction": "higher_is_better", "default_target": target,
        "grain": "queue per day", "models": models, "column_name": column,
        "numerator_column": num, "denominator_column": den, "variant_of": None, "source": "test",
    }  # fmt: skip


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            """create table marts.kpi_queue_daily as select * from (values
            ('q1', 'MAD', date '2026-10-05', 10, 8, 10, 0.8, 30),
            ('q1', 'MAD', date '2026-10-06', 4, 1, 4, 0.8, 45),
            ('q2', 'MAD', date '2026-10-05', 6, 3, 6, 0.9, 12))
            as t(queue_id, site_id, date_local, calls_offered, service_level_numerator,
                 service_level_denominator, service_level_target, max_wait_seconds)"""
        )
        con.execute(
            """create table marts.kpi_queue_interval as select queue_id, site_id, date_local,
            calls_offered from marts.kpi_queue_daily"""
        )
        con.execute(
            """create table marts.kpi_agent_daily as select * from (values
            ('a1', 'MAD', date '2026-10-05', 50, 100), ('a2', 'MAD', date '2026-10-05', 30, 40))
            as t(agent_id, site_id, date_local, occupancy_numerator, occupancy_denominator)"""
        )
        con.execute(
            "create table marts.dim_agents as select * from (values ('a1', 'Team A'),"
            " ('a2', 'Team B')) as t(agent_id, team)"
        )
        con.execute(
            "create table marts.fct_contacts as select * from (values ('q1', 'voice'),"
            " ('q2', 'voice'), ('q2', 'chat')) as t(queue_id, channel)"
        )
        # a mart with no date column: not shown (the site is by day)
        con.execute("create table marts.kpi_csat_totals as select 0.9 as csat")
        rows = [
            kpi("calls_offered", "accessibility", "count", "kpi_queue_interval kpi_queue_daily",
                "calls_offered"),
            kpi("service_level", "accessibility", "ratio", "kpi_queue_daily", "service_level",
                "service_level_numerator", "service_level_denominator", target=0.8),
            kpi("max_wait_seconds", "accessibility", "seconds", "kpi_queue_daily",
                "max_wait_seconds", formula="max(wait_seconds)"),
            kpi("occupancy", "efficiency", "ratio", "kpi_agent_daily", "occupancy",
                "occupancy_numerator", "occupancy_denominator"),
            kpi("csat", "customer_outcomes", "ratio", "kpi_csat_totals kpi_csat_daily", "csat",
                "csat_numerator", "csat_denominator"),
            kpi("nps", "customer_outcomes", "count", "kpi_survey_daily", "nps"),
        ]  # fmt: skip
        con.execute(
            "create table marts.dim_kpis ("
            + ", ".join(
                f"{c} {'double' if c == 'default_target' else 'varchar'}" for c in CATALOG_COLUMNS
            )
            + ")"
        )
        for row in rows:
            con.execute(
                f"insert into marts.dim_kpis values ({', '.join('?' for _ in CATALOG_COLUMNS)})",
                [row[c] for c in CATALOG_COLUMNS],
            )
    return path


def run_loader(name: str, warehouse: Path) -> str:
    env = {**os.environ, "CCWH_WAREHOUSE": str(warehouse)}
    proc = subprocess.run(
        [sys.executable, name], cwd=DATA, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_catalog_says_where_each_kpi_is(warehouse: Path) -> None:
    kpis = {k["kpi_key"]: k for k in json.loads(run_loader("kpis.json.py", warehouse))}
    assert kpis["calls_offered"]["aggregation"] == "sum"
    # the daily model, not the interval one
    assert [s["model"] for s in kpis["calls_offered"]["sources"]] == ["kpi_queue_daily"]
    assert kpis["calls_offered"]["sources"][0]["dimensions"] == ["queue_id", "site_id", "channel"]
    assert kpis["service_level"]["aggregation"] == "ratio"
    assert kpis["max_wait_seconds"]["aggregation"] == "max"
    assert kpis["occupancy"]["sources"][0]["dimensions"] == ["site_id", "agent_id", "team"]
    # no date column, or no mart at all: in the catalog, not available (No data yet)
    assert not kpis["csat"]["available"] and kpis["csat"]["sources"] == []
    assert not kpis["nps"]["available"]


def test_values_are_the_additive_parts_per_day_and_dimension(warehouse: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run_loader("kpi_values.csv.py", warehouse))))
    by = {(r["kpi_key"], r["queue_id"] or r["agent_id"], r["date_local"]): r for r in rows}
    sl = by[("service_level", "q1", "2026-10-05")]
    assert (sl["numerator"], sl["denominator"], sl["target"]) == ("8", "10", "0.8")
    assert sl["channel"] == "voice"  # q1's only channel
    assert by[("service_level", "q2", "2026-10-05")]["channel"] == ""  # q2 mixes channels
    assert by[("max_wait_seconds", "q1", "2026-10-06")]["numerator"] == "45"
    occupancy = by[("occupancy", "a2", "2026-10-05")]
    assert (occupancy["numerator"], occupancy["denominator"], occupancy["team"]) == (
        "30",
        "40",
        "Team B",
    )
    assert {r["kpi_key"] for r in rows} == {
        "calls_offered",
        "service_level",
        "max_wait_seconds",
        "occupancy",
    }


def test_dimensions_list_the_drill_down_pages(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "create table marts.dim_queues as select * from (values ('q1', 'Queue 1', 'MAD'),"
            " ('q 2', 'Queue 2', 'MAD')) as t(queue_id, queue_name, site_id)"
        )
        con.execute("alter table marts.dim_agents add column agent_name varchar")
        con.execute("alter table marts.dim_agents add column site_id varchar")
        con.execute("update marts.dim_agents set team = 'Facturación' where agent_id = 'a1'")
    dims = json.loads(run_loader("dimensions.json.py", warehouse))
    # a plain id names its page; others get a plain, unique, ASCII slug
    assert [q["slug"] for q in dims["queues"]] == ["q-2", "q1"]
    assert {t["team"]: t["slug"] for t in dims["teams"]} == {
        "Facturación": "facturacion",
        "Team B": "team-b",
    }
    assert [c["channel"] for c in dims["channels"]] == ["voice", "chat"]
    assert dims["families"] == ["accessibility", "customer_outcomes", "efficiency"]


# --------------------------------------------------------------- per-page data (D191, D192)


def run_param_loader(path: str, arg: str, warehouse: Path) -> str:
    env = {**os.environ, "CCWH_WAREHOUSE": str(warehouse)}
    proc = subprocess.run(
        [sys.executable, path, arg], cwd=DATA, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def prefilled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The files _pages.py writes in one pass, from the end-to-end run's warehouse (or the
    one CCWH_SITE_TEST_WAREHOUSE names, as in tests/test_site.py)."""
    override = os.environ.get("CCWH_SITE_TEST_WAREHOUSE")
    warehouse = (
        Path(override) if override else request.getfixturevalue("pipeline_run").warehouse_path
    )
    folder = tmp_path_factory.mktemp("prefill") / "data"
    env = {**os.environ, "CCWH_WAREHOUSE": str(warehouse)}
    proc = subprocess.run(
        [sys.executable, "_pages.py", str(folder)],
        cwd=DATA,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return warehouse, folder


def test_one_pass_writes_what_each_loader_writes(prefilled) -> None:
    """Framework takes the files of the one pass as its loaders' outputs: byte for byte
    what each loader writes on its own (the footer's build time aside)."""
    warehouse, folder = prefilled
    loaders = [p.name for p in DATA.glob("*.py") if not p.name.startswith("_")]
    assert "kpi_values.csv.py" in loaders and "agent_period.json.py" in loaders
    for name in loaders:
        written = (folder / name.removesuffix(".py")).read_text(encoding="utf-8")
        alone = run_loader(name, warehouse)
        if name == "dimensions.json.py":
            written, alone = json.loads(written), json.loads(alone)
            assert written.pop("built_at") and alone.pop("built_at")
        assert written == alone, name
    dims = json.loads((folder / "dimensions.json").read_text())
    for kind, param in (("agents", "agent"), ("teams", "team")):
        files = sorted(p.stem for p in (folder / kind).glob("*.csv"))
        assert files == sorted(str(d["slug"]) for d in dims[kind]), kind
        for slug in files[:2] + files[-1:]:
            alone = run_param_loader(f"{kind}/[{param}].csv.py", f"--{param}={slug}", warehouse)
            assert (folder / kind / f"{slug}.csv").read_text(encoding="utf-8") == alone


def test_an_agent_page_gets_only_its_own_rows(prefilled) -> None:
    """Each agent's file holds exactly the kpi_values rows of that agent (together: every
    row that has an agent), each team's those of its team; the period every agent page
    offers spans the agents' daily rows."""
    _, folder = prefilled
    dims = json.loads((folder / "dimensions.json").read_text())
    with open(folder / "kpi_values.csv", encoding="utf-8") as f:
        values = list(csv.DictReader(f))
    for kind, key in (("agents", "agent_id"), ("teams", "team")):
        union = []
        for item in dims[kind]:
            with open(folder / kind / f"{item['slug']}.csv", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
            assert {r[key] for r in rows} <= {str(item[key])}, item
            union += rows
        expected = [r for r in values if r[key]]
        assert len(union) == len(expected) > 0, kind
        assert sorted(map(tuple, map(dict.values, union))) == sorted(
            map(tuple, map(dict.values, expected))
        )
    period = json.loads((folder / "agent_period.json").read_text())
    days = sorted(r["date_local"] for r in values if r["agent_id"] and r["grain"] == "day")
    assert period == {"from": days[0], "to": days[-1]}
