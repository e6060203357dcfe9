"""The site's catalog-driven loaders on a small hand-made warehouse (no browser, no dbt).

A KPI mart another team adds later must reach the site with no site code: the loaders
find it from marts.dim_kpis and information_schema (reports/src/data/_catalog.py). Here a
warehouse with one queue-day model, one agent-day model, a `csat` mart that has no date
column and a catalog row whose mart does not exist shows what the family pages get.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import re
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
            ('a1', 'MAD', date '2026-10-05', 50, 100, 0.85, 600),
            ('a2', 'MAD', date '2026-10-05', 30, 40, 0.85, 900),
            ('a3', 'MAD', date '2026-10-05', 20, 60, 0.9, 300))
            as t(agent_id, site_id, date_local, occupancy_numerator, occupancy_denominator,
                 occupancy_target, longest_handle_seconds)"""
        )
        con.execute(
            "create table marts.dim_agents as select * from (values ('a1', 'Team A'),"
            " ('a2', 'Team B'), ('a3', 'Team B')) as t(agent_id, team)"
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
            kpi("longest_handle_seconds", "efficiency", "seconds", "kpi_agent_daily",
                "longest_handle_seconds", formula="max(handle_seconds)"),
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
    """kpi_values.csv: the parts per day, queue, site and channel, summed over agents and
    teams (D206): the center's pages split by neither."""
    rows = list(csv.DictReader(io.StringIO(run_loader("kpi_values.csv.py", warehouse))))
    assert not any(r["agent_id"] or r["team"] for r in rows)
    by = {(r["kpi_key"], r["queue_id"], r["date_local"], r["target"]): r for r in rows}
    sl = by[("service_level", "q1", "2026-10-05", "0.8")]
    assert (sl["numerator"], sl["denominator"]) == ("8", "10")
    assert sl["channel"] == "voice"  # q1's only channel
    assert by[("service_level", "q2", "2026-10-05", "0.9")]["channel"] == ""  # q2 mixes
    assert by[("max_wait_seconds", "q1", "2026-10-06", "")]["numerator"] == "45"
    # three agents' occupancy: summed, apart by target (0.85 for a1 and a2, 0.9 for a3)
    occupancy = {
        r["target"]: (r["numerator"], r["denominator"], r["site_id"])
        for r in rows
        if r["kpi_key"] == "occupancy"
    }
    assert occupancy == {"0.85": ("80", "140", "MAD"), "0.9": ("20", "60", "MAD")}
    # a longest time: the longest of the agents', not their sum
    assert by[("longest_handle_seconds", "", "2026-10-05", "")]["numerator"] == "900"
    assert {r["kpi_key"] for r in rows} == {
        "calls_offered",
        "service_level",
        "max_wait_seconds",
        "occupancy",
        "longest_handle_seconds",
    }


def test_a_family_page_file_holds_the_agent_rows_of_its_kpis(warehouse: Path) -> None:
    """families/<slug>.csv: every agent's rows of the page's KPIs, for its by-agent table."""
    loader = "families/[family].csv.py"
    written = run_param_loader(loader, "--family=efficiency", warehouse)
    rows = list(csv.DictReader(io.StringIO(written)))
    got = {(r["kpi_key"], r["agent_id"], r["team"], r["numerator"], r["target"]) for r in rows}
    assert got == {
        ("occupancy", "a1", "Team A", "50", "0.85"),
        ("occupancy", "a2", "Team B", "30", "0.85"),
        ("occupancy", "a3", "Team B", "20", "0.9"),
        ("longest_handle_seconds", "a1", "Team A", "600", ""),
        ("longest_handle_seconds", "a2", "Team B", "900", ""),
        ("longest_handle_seconds", "a3", "Team B", "300", ""),
    }
    # a page whose KPIs have no agent rows: the header only
    empty = run_param_loader(loader, "--family=accessibility", warehouse)
    assert empty.splitlines() == [empty.splitlines()[0]] and "kpi_key" in empty


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
    dims["families"] = [{"slug": slug} for slug in family_slugs(dims["families"])]
    for kind, param in (("agents", "agent"), ("teams", "team"), ("families", "family")):
        files = sorted(p.stem for p in (folder / kind).glob("*.csv"))
        assert files == sorted(str(d["slug"]) for d in dims[kind]), kind
        for slug in files[:2] + files[-1:]:
            alone = run_param_loader(f"{kind}/[{param}].csv.py", f"--{param}={slug}", warehouse)
            assert (folder / kind / f"{slug}.csv").read_text(encoding="utf-8") == alone


def data_module(name: str):
    """A module of reports/src/data (the loaders import each other by plain name)."""
    sys.path.insert(0, str(DATA))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(DATA))


def full_values(warehouse: Path) -> list[dict[str, str]]:
    """The values query's rows (every agent's and team's), as the CSV files write them."""
    values_query = data_module("_catalog").values_query
    as_text = data_module("_warehouse").as_text
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(as_text(con, values_query(con)))
        names = [d[0] for d in cursor.description]
        return [
            {n: "" if v is None else v for n, v in zip(names, row, strict=True)}
            for row in cursor.fetchall()
        ]


def family_slugs(families: list[str]) -> list[str]:
    """components/i18n.js familyPages(dims.families), by the slugs _pages.py writes."""
    pages = data_module("_pages")
    FAMILY_PAGES, slug_of = pages.FAMILY_PAGES, pages.slug_of  # noqa: N806
    known = {f for fs in FAMILY_PAGES.values() for f in fs}
    return sorted(set(FAMILY_PAGES) | {slug_of(f) for f in families if f not in known})


def test_an_agent_page_gets_only_its_own_rows(prefilled) -> None:
    """Each agent's file holds exactly the values of that agent (together: every row that
    has an agent), each team's those of its team; the period every agent page offers spans
    the agents' daily rows."""
    warehouse, folder = prefilled
    dims = json.loads((folder / "dimensions.json").read_text())
    values = full_values(warehouse)
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


def test_the_center_file_sums_the_agents_and_teams(prefilled) -> None:
    """kpi_values.csv (overview, queue, channel and family pages) is the full values summed
    over agents and teams per KPI, model, day, queue, site, channel and target (a longest
    time: the longest), recomputed here in Python; a family page's file holds exactly the
    agents' rows of its KPIs (D206)."""
    warehouse, folder = prefilled
    values = full_values(warehouse)
    kpis = {k["kpi_key"]: k for k in json.loads((folder / "kpis.json").read_text())}
    keys = ("kpi_key", "model", "grain", "date_local", "queue_id", "site_id", "channel", "target")
    expected: dict[tuple, list] = {}
    for r in values:
        parts = expected.setdefault(tuple(r[k] for k in keys), [[], []])
        if r["numerator"]:
            parts[0].append(float(r["numerator"]))
        if r["denominator"]:
            parts[1].append(float(r["denominator"]))
    with open(folder / "kpi_values.csv", encoding="utf-8") as f:
        center = list(csv.DictReader(f))
    assert not any(r["agent_id"] or r["team"] for r in center)
    assert len(center) == len(expected) < len(values)
    assert any(kpis[r["kpi_key"]]["aggregation"] == "max" for r in center)
    for r in center:
        numerators, denominators = expected[tuple(r[k] for k in keys)]
        fold = max if kpis[r["kpi_key"]]["aggregation"] == "max" else sum
        assert float(r["numerator"] or "nan") == pytest.approx(
            fold(numerators) if numerators else float("nan"), rel=1e-12, nan_ok=True
        ), r
        assert float(r["denominator"] or "nan") == pytest.approx(
            sum(denominators) if denominators else float("nan"), rel=1e-12, nan_ok=True
        ), r
    # a family page's by-agent file: the agents' rows of its catalog families' KPIs
    family_of = {k: e["family"] for k, e in kpis.items()}
    dims = json.loads((folder / "dimensions.json").read_text())
    pages = data_module("_pages")
    FAMILY_PAGES, slug_of = pages.FAMILY_PAGES, pages.slug_of  # noqa: N806
    page_of = {f: slug for slug, fs in FAMILY_PAGES.items() for f in fs}
    union = []
    for slug in family_slugs(dims["families"]):
        with open(folder / "families" / f"{slug}.csv", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert all(r["agent_id"] for r in rows), slug
        assert {
            page_of.get(family_of[r["kpi_key"]], slug_of(family_of[r["kpi_key"]])) for r in rows
        } <= {slug}
        union += rows
    expected_rows = [r for r in values if r["agent_id"]]
    assert len(union) == len(expected_rows) > 0
    assert sorted(map(tuple, map(dict.values, union))) == sorted(
        map(tuple, map(dict.values, expected_rows))
    )


def test_the_family_pages_are_those_of_the_site() -> None:
    """_pages.FAMILY_PAGES lists the pages and catalog families of components/i18n.js."""
    source = (DATA.parent / "components" / "i18n.js").read_text(encoding="utf-8")
    block = source[source.index("export const FAMILY_PAGES") :]
    block = block[: block.index("];")]
    pages = {
        slug: re.findall(r'"([^"]+)"', families)
        for slug, families in re.findall(r'slug: "([^"]+)",\s*families: \[([^\]]*)\]', block)
    }
    FAMILY_PAGES = data_module("_pages").FAMILY_PAGES  # noqa: N806
    assert pages == FAMILY_PAGES and len(pages) >= 8
