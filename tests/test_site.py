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
GLOSSARY = "glossary.html"  # the KPI glossary: no tiles, no charts
TILES = [
    "service_level",
    "abandonment_rate",
    "short_abandon_rate",
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


def record_console(log: PageLog, msg: object) -> None:
    """Console errors, and Plot's warnings (a chart drawn from data it misreads)."""
    if msg.type == "error" or (msg.type == "warning" and msg.text.startswith("Warning:")):
        log.errors.append(f"console {msg.type}: {msg.text}")


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
    page.on("console", lambda msg: record_console(log, msg))
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


def set_period(page: object, date_from: str, date_to: str) -> None:
    """Pick a period with the From and To inputs; wait until tiles and charts follow."""
    page.get_by_label("To").fill(date_to)
    page.get_by_label("From").fill(date_from)
    lo, hi = sorted([date_from, date_to])
    page.wait_for_selector(f'.kpi-grid[data-from="{lo}"][data-to="{hi}"]', timeout=10_000)
    page.wait_for_function(CHARTS_DRAWN, timeout=10_000)


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


def mart_days(warehouse: Path) -> list[date]:
    """The days with calls in the mart (a closed day has no row, or rows with no calls)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            r[0]
            for r in con.execute(
                "select date_local from marts.kpi_queue_daily"
                " group by date_local having sum(calls_offered) > 0 order by 1"
            ).fetchall()
        ]


def closed_day(warehouse: Path) -> date | None:
    """A day between the first and the last with calls that has none (a closed Sunday)."""
    days = mart_days(warehouse)
    present = set(days)
    day = days[0]
    while day < days[-1]:
        if day not in present:
            return day
        day += timedelta(days=1)
    return None


def catalog_definitions(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select kpi_key, definition_en from marts.dim_kpis").fetchall())


def assert_tile_has_its_definition(page: object, path: str, kpi: str) -> None:
    """The tile carries the catalog definition: title, aria-describedby, glossary link."""
    tile = page.locator(f'.kpi-tile[data-kpi="{kpi}"]')
    described_by = tile.get_attribute("aria-describedby")
    assert described_by, f"{path}: the {kpi} tile has no aria-describedby"
    description = page.locator(f"#{described_by}").text_content()
    assert description and tile.get_attribute("title") == description, f"{path}: {kpi}"
    href = tile.locator("a.kpi-glossary-link").get_attribute("href")
    assert href.endswith(f"glossary.html#kpi-{kpi}"), f"{path}: {kpi} links to {href}"


def queue_ids(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            r[0] for r in con.execute("select queue_id from marts.dim_queues order by 1").fetchall()
        ]


# --------------------------------------------------------------------------- tests


def test_build_writes_one_page_per_queue(built_site: SiteBuild, site_warehouse: Path) -> None:
    expected = ["index.html", GLOSSARY] + [f"queues/{q}.html" for q in queue_ids(site_warehouse)]
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
    for path in [p for p in built_site.pages if p != GLOSSARY]:
        open_page(page, site_url + path)
        charts = page.locator("figure.chart")
        assert charts.count() >= 4, f"{path}: expected 4 charts, found {charts.count()}"
        for i in range(charts.count()):
            assert charts.nth(i).locator("svg").count() > 0, f"{path}: chart {i} drew no svg"
        for kpi in TILES:
            assert page.locator(f'.kpi-tile[data-kpi="{kpi}"]').count() == 1, (
                f"{path}: no {kpi} tile"
            )
            assert_tile_has_its_definition(page, path, kpi)
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
    span = (date.fromisoformat(date_to) - date.fromisoformat(date_from)).days
    if span >= 2:
        # narrow the period to its second half
        new_from = (date.fromisoformat(date_to) - timedelta(days=span // 2)).isoformat()
        assert new_from > date_from
    else:
        # a short warehouse defaults to a day or two: widen to its first day instead
        new_from = mart_days(site_warehouse)[0].isoformat()
        assert new_from < date_from, f"the warehouse has no day before {date_from}"
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
    # the charts follow: the daily charts now span the new period
    trend = page.locator('[data-chart="service-level-trend"]')
    assert trend.get_attribute("data-from") == new_from
    assert trend.get_attribute("data-to") == date_to
    assert trend.locator("svg").count() > 0
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


# The real center is closed on Sundays: those days have no rows in the marts. They must
# never show as a 0 % (tiles, charts, heatmap), daily charts tick by whole days, and
# short periods (one day, a closed day, two days around it) draw with no console error,
# as they do on a warehouse of a few days.

DAY_TICKS = """(chart) => [...document.querySelectorAll(
    `[data-chart="${chart}"] svg [aria-label="x-axis tick label"] text`
  )].map((t) => [...t.querySelectorAll("tspan")].map((s) => s.textContent).join(" ")
    || t.textContent)"""


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def test_short_periods_render_without_errors(
    built_site: SiteBuild, site_warehouse: Path, site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    days = mart_days(site_warehouse)
    periods = [(days[-1], days[-1]), (days[0], days[min(1, len(days) - 1)])]
    closed = closed_day(site_warehouse)
    if closed:
        periods += [(closed - timedelta(days=1), closed + timedelta(days=1)), (closed, closed)]
    for path in [p for p in built_site.pages if p != GLOSSARY]:
        open_page(page, site_url + path)
        for date_from, date_to in periods:
            set_period(page, date_from.isoformat(), date_to.isoformat())
            charts = page.locator("figure.chart")
            for i in range(charts.count()):
                chart = charts.nth(i)
                assert chart.locator("svg").count() + chart.locator(".chart-empty").count() > 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(
                SCREENSHOTS / ("short-" + path.replace("/", "_").removesuffix(".html") + ".png")
            ),
            full_page=True,
        )
    assert not log.errors, log.errors


def test_daily_charts_tick_by_day_and_skip_closed_days(
    site_warehouse: Path, site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    closed = closed_day(site_warehouse)
    if closed is None:
        pytest.skip("the warehouse has no day without calls between its first and last")
    before, after = closed - timedelta(days=1), closed + timedelta(days=1)
    open_page(page, site_url + "index.html")
    set_period(page, before.isoformat(), after.isoformat())
    # one tick per day, labelled by day: never hours of a day
    for chart in ("service-level-trend", "aht"):
        labels = page.evaluate(DAY_TICKS, chart)
        assert labels == [day_label(before), day_label(closed), day_label(after)], (chart, labels)
    # a dot per queue and day with calls; none for the closed day, and the lines break there
    with duckdb.connect(str(site_warehouse), read_only=True) as con:
        (points,) = con.execute(
            "select count(*) from marts.kpi_queue_daily where date_local between ? and ?"
            " and service_level_denominator > 0",
            [before, after],
        ).fetchone()
    trend = page.locator('[data-chart="service-level-trend"]')
    assert trend.locator('svg g[aria-label="dot"] circle').count() == points
    paths = trend.locator('svg g[aria-label="line"] path')
    # any segment between the day before and the day after would cross the closed day
    for d in paths.evaluate_all("(ps) => ps.map((p) => p.getAttribute('d'))"):
        assert "L" not in d, f"a line is drawn across the closed day: {d}"
    # the closed day alone: no value anywhere, never a 0 (occupancy is about agents, who
    # may log in on a day without calls)
    set_period(page, closed.isoformat(), closed.isoformat())
    for kpi in [k for k in TILES if k != "occupancy"]:
        tile = page.locator(f'.kpi-tile[data-kpi="{kpi}"]')
        assert tile.get_attribute("data-value") == "", f"{kpi} has a value on a closed day"
        assert tile.locator(".kpi-value").inner_text() == "–"
    for chart in ("service-level-trend", "service-level-heatmap", "aht"):
        assert page.locator(f'[data-chart="{chart}"] .chart-empty').count() == 1, chart
    assert not log.errors, log.errors


def test_glossary_lists_every_catalog_kpi(
    site_warehouse: Path, site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    page.goto(site_url + GLOSSARY)
    page.wait_for_selector("[data-kpi-entry]", timeout=30_000)
    page.wait_for_load_state("networkidle")
    definitions = catalog_definitions(site_warehouse)
    listed = page.eval_on_selector_all(
        "[data-kpi-entry]", "(es) => es.map((e) => e.dataset.kpiEntry)"
    )
    assert sorted(listed) == sorted(definitions), "the glossary must list every catalog KPI"
    for key, definition in definitions.items():
        entry = page.locator(f"#kpi-{key}")
        assert definition in entry.inner_text(), f"glossary entry {key}: no definition"
        assert entry.locator("code").first.inner_text(), f"glossary entry {key}: no formula"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "glossary.png"), full_page=True)
    # a tile's link lands on its entry
    open_page(page, site_url + "index.html")
    page.locator('.kpi-tile[data-kpi="service_level"] summary').click()
    page.locator('.kpi-tile[data-kpi="service_level"] a.kpi-glossary-link').click()
    page.wait_for_selector("#kpi-service_level", timeout=30_000)
    assert page.url.endswith(f"{GLOSSARY}#kpi-service_level"), page.url
    assert not log.errors, log.errors
    assert not log.failed, log.failed
    assert not log.blocked, f"requests to other hosts: {log.blocked}"
