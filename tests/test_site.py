"""The report site, built from a warehouse and opened in a real headless browser.

The site is built once per session (orchestration.site.build_site: prepare the offline
npm cache, `observable build` with a network guard, scan dist/ for external URLs),
served on 127.0.0.1 and opened in Debian's Chromium through Playwright. Every page must
render its charts with no console error and no request leaving 127.0.0.1; the tiles
must show the numbers the marts give, and follow the filters.

Warehouse and site: the ones the end-to-end `ccwh run` of tests/conftest.py produced, so
the test looks at exactly what a user gets. To try the pages against another warehouse,
set CCWH_SITE_TEST_WAREHOUSE to its DuckDB file (the site is then rebuilt from it).

Screenshots of every page go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from orchestration.site import REPORTS_DIR, SiteBuild, SiteBuildError, build_site, serving
from tests.conftest import PipelineRun

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CCWH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--no-first-run",
    "--no-pings",
]
LOCAL_HOSTS = {"127.0.0.1"}
TILES = [
    "service_level",
    "abandonment_rate",
    "asa_seconds",
    "aht_seconds",
    "calls_offered",
    "occupancy",
]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def site_warehouse(pipeline_run: PipelineRun) -> Path:
    """The DuckDB warehouse the site is built from (see the module docstring)."""
    override = os.environ.get("CCWH_SITE_TEST_WAREHOUSE")
    return Path(override) if override else pipeline_run.warehouse_path


@pytest.fixture(scope="session")
def built_site(
    site_warehouse: Path, pipeline_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory
) -> SiteBuild:
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH: the report site needs Node.js (make setup)")
    if not (REPORTS_DIR / "node_modules" / "@observablehq" / "framework").is_dir():
        pytest.fail("reports/node_modules is missing: run `make setup` (cd reports && npm ci)")
    if site_warehouse == pipeline_run.warehouse_path:
        return SiteBuild.from_dir(pipeline_run.site_dir)
    return build_site(site_warehouse, tmp_path_factory.mktemp("site") / "dist")


@pytest.fixture(scope="session")
def site_url(built_site: SiteBuild) -> Iterator[str]:
    with serving(built_site.out_dir, host="127.0.0.1", port=0) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make setup-browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageLog:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []


@pytest.fixture()
def page_and_log(browser: object) -> Iterator[tuple[object, PageLog]]:
    """A fresh page that records every request and console error, and blocks
    (and records) any request to a host other than 127.0.0.1."""
    log = PageLog()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")

    def route(route: object) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda request: log.requests.append(request.url))
    page.on("requestfailed", lambda request: log.failed.append(f"{request.url} {request.failure}"))
    page.on(
        "console", lambda msg: msg.type == "error" and log.errors.append(f"console: {msg.text}")
    )
    page.on("pageerror", lambda error: log.errors.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and log.errors.append(f"HTTP {response.status} {response.url}")
        ),
    )
    yield page, log
    context.close()


CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll("figure.chart")];
  const drawn = (c) => c.querySelector("svg") || c.querySelector(".chart-empty");
  return charts.length >= 4 && charts.every(drawn);
}"""


def open_page(page: object, url: str) -> None:
    """Open a page and wait until its tiles are filled and every chart is drawn
    (charts draw asynchronously, once their container's width is known)."""
    page.goto(url)
    page.wait_for_selector('.kpi-tile[data-kpi="service_level"][data-value]', timeout=30_000)
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    page.wait_for_load_state("networkidle")


def tile_value(page: object, kpi: str) -> float:
    value = page.get_attribute(f'.kpi-tile[data-kpi="{kpi}"]', "data-value")
    assert value, f"tile {kpi} has no value"
    return float(value)


def grid_scope(page: object) -> tuple[str, str, list[str]]:
    grid = page.locator(".kpi-grid")
    queues = grid.get_attribute("data-queues") or ""
    return grid.get_attribute("data-from"), grid.get_attribute("data-to"), queues.split(",")


def mart_ratio(
    warehouse: Path, name: str, date_from: str, date_to: str, queues: list[str]
) -> float:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        numerator, denominator = con.execute(
            f"""
            select sum({name}_numerator), sum({name}_denominator)
            from marts.kpi_queue_daily
            where date_local between ?::date and ?::date and list_contains(?, queue_id)
            """,
            [date_from, date_to, queues],
        ).fetchone()
    return float(numerator) / float(denominator)


def mart_sum(
    warehouse: Path, column: str, date_from: str, date_to: str, queues: list[str]
) -> float:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (total,) = con.execute(
            f"""
            select sum({column}) from marts.kpi_queue_daily
            where date_local between ?::date and ?::date and list_contains(?, queue_id)
            """,
            [date_from, date_to, queues],
        ).fetchone()
    return float(total)


def queue_ids(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            r[0] for r in con.execute("select queue_id from marts.dim_queues order by 1").fetchall()
        ]


# --------------------------------------------------------------------------- tests


def test_build_writes_one_page_per_queue(built_site: SiteBuild, site_warehouse: Path) -> None:
    expected = ["index.html"] + [f"queues/{q}.html" for q in queue_ids(site_warehouse)]
    assert sorted(built_site.pages) == sorted(expected)
    assert 0 < built_site.size_bytes < 50_000_000
    assert built_site.seconds >= 0


def test_built_site_references_no_external_host(built_site: SiteBuild) -> None:
    external = re.compile(
        r"""(?:src|href)\s*=\s*["']?(?:https?:)?//(?!127\.0\.0\.1)[^"'\s>]+""", re.I
    )
    for html in built_site.out_dir.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not external.findall(text), f"{html}: {external.findall(text)}"
        assert "fonts.googleapis" not in text and "cdn.jsdelivr" not in text, html


def test_build_fails_loudly_without_a_warehouse(tmp_path: Path) -> None:
    with pytest.raises(SiteBuildError, match="does not exist"):
        build_site(tmp_path / "missing.duckdb", tmp_path / "dist")


def test_every_page_renders_offline(
    built_site: SiteBuild, site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in built_site.pages:
        open_page(page, site_url + path)
        charts = page.locator("figure.chart")
        assert charts.count() >= 4, f"{path}: expected 4 charts, found {charts.count()}"
        for i in range(charts.count()):
            assert charts.nth(i).locator("svg").count() > 0, f"{path}: chart {i} drew no svg"
        for kpi in TILES:
            assert page.locator(f'.kpi-tile[data-kpi="{kpi}"]').count() == 1, (
                f"{path}: no {kpi} tile"
            )
        # inputs are labelled
        assert page.get_by_label("From").count() == 1 and page.get_by_label("To").count() == 1
        if path.startswith("queues/"):
            assert page.locator('[data-table="intervals"] table tbody tr').count() > 0
        page.screenshot(
            path=str(SCREENSHOTS / (path.replace("/", "_").removesuffix(".html") + ".png")),
            full_page=True,
        )
    assert not log.errors, log.errors
    assert not log.failed, log.failed
    assert not log.blocked, f"requests to other hosts: {log.blocked}"
    hosts = {urlsplit(u).hostname for u in log.requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, hosts


def test_tile_equals_the_mart(
    site_warehouse: Path, site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    open_page(page, site_url + "index.html")
    date_from, date_to, queues = grid_scope(page)
    assert date_from and date_to and sorted(queues) == queue_ids(site_warehouse)
    expected = mart_ratio(site_warehouse, "service_level", date_from, date_to, queues)
    assert tile_value(page, "service_level") == pytest.approx(expected, rel=1e-9)
    offered = mart_sum(site_warehouse, "calls_offered", date_from, date_to, queues)
    assert tile_value(page, "calls_offered") == offered
    asa = mart_ratio(site_warehouse, "asa_seconds", date_from, date_to, queues)
    assert tile_value(page, "asa_seconds") == pytest.approx(asa, rel=1e-9)
    assert not log.errors, log.errors


def test_queue_page_tile_equals_the_mart(
    site_warehouse: Path, site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    queue = queue_ids(site_warehouse)[0]
    open_page(page, site_url + f"queues/{queue}.html")
    date_from, date_to, queues = grid_scope(page)
    assert queues == [queue]
    expected = mart_ratio(site_warehouse, "abandonment_rate", date_from, date_to, [queue])
    assert tile_value(page, "abandonment_rate") == pytest.approx(expected, rel=1e-9)
    assert not log.errors, log.errors


def test_date_filter_changes_the_tiles(
    site_warehouse: Path, site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    open_page(page, site_url + "index.html")
    date_from, date_to, queues = grid_scope(page)
    before = tile_value(page, "calls_offered")
    sl_before = tile_value(page, "service_level")
    # narrow the period to its second half
    span = (date.fromisoformat(date_to) - date.fromisoformat(date_from)).days
    assert span >= 2, f"the default period {date_from}..{date_to} is too short to narrow"
    new_from = (date.fromisoformat(date_to) - timedelta(days=span // 2)).isoformat()
    assert new_from > date_from
    page.get_by_label("From").fill(new_from)
    page.wait_for_selector(f'.kpi-grid[data-from="{new_from}"]', timeout=10_000)
    after = tile_value(page, "calls_offered")
    assert after != before
    assert after == mart_sum(site_warehouse, "calls_offered", new_from, date_to, queues)
    sl_after = tile_value(page, "service_level")
    assert sl_after != sl_before
    assert sl_after == pytest.approx(
        mart_ratio(site_warehouse, "service_level", new_from, date_to, queues), rel=1e-9
    )
    # the charts follow: the service-level trend now has one point per day per queue
    assert page.locator('[data-chart="service-level-trend"] svg').count() > 0
    assert not log.errors, log.errors


def test_queue_filter_changes_the_tiles(
    site_warehouse: Path, site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    open_page(page, site_url + "index.html")
    date_from, date_to, queues = grid_scope(page)
    dropped = queues[0]
    with duckdb.connect(str(site_warehouse), read_only=True) as con:
        (name,) = con.execute(
            "select queue_name from marts.dim_queues where queue_id = ?", [dropped]
        ).fetchone()
    page.get_by_label(name, exact=True).uncheck()
    kept = [q for q in queues if q != dropped]
    page.wait_for_selector(f'.kpi-grid[data-queues="{",".join(sorted(kept))}"]', timeout=10_000)
    assert tile_value(page, "calls_offered") == mart_sum(
        site_warehouse, "calls_offered", date_from, date_to, kept
    )
    assert not log.errors, log.errors
