"""The report site, built from a warehouse and opened in a real headless browser.

The site is built once per session (orchestration.site.build_site: prepare the offline
npm cache, `observable build` with a network guard, scan dist/ for external URLs),
served on 127.0.0.1 and opened in Debian's Chromium through Playwright. Every page, in
English (/en/) and Spanish (/es/), must render its charts with no console error and no
request leaving 127.0.0.1; each page shows at least one number equal to the value
queried here from the mart (as the page formats it: 79.9% / 79,9 %), and the filters
change the numbers.

Warehouse and site: the ones the end-to-end `ccwh run` of tests/conftest.py produced, so
the test looks at exactly what a user gets. To try the pages against another warehouse,
set CCWH_SITE_TEST_WAREHOUSE to its DuckDB file (the site is then rebuilt from it), and
also CCWH_SITE_TEST_SITE to a site already built from it to skip the build.

Screenshots of every page (1280 px wide, and 390 px for one page of each kind) and a
printed PDF go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import unicodedata
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
LANGS = ["en", "es"]
LABELS = {
    "en": {"from": "From", "to": "To", "nodata": "No data yet", "lang": "English"},
    "es": {"from": "Desde", "to": "Hasta", "nodata": "Aún sin datos", "lang": "Español"},
}
# the family pages the site always has (components/i18n.js FAMILY_PAGES)
FAMILIES = [
    "accessibility",
    "efficiency",
    "customer-outcomes",
    "sales",
    "workforce",
    "people-quality",
    "cost",
    "data-quality",
]
HEADLINE = [
    "service_level",
    "abandonment_rate",
    "short_abandon_rate",
    "asa_seconds",
    "aht_seconds",
    "calls_offered",
    "occupancy",
]
PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# the channel filter's labels (components/i18n.js CHANNELS, English)
CHANNEL_NAMES = {
    "voice": "Voice",
    "chat": "Chat",
    "email": "Email",
    "sms": "SMS",
    "social": "Social media",
    "task": "Task",
}


def slug(value: str) -> str:
    """The page name of a queue, channel, team or agent (data/dimensions.json.py)."""
    if PLAIN.match(value):
        return value
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def site_warehouse(request: pytest.FixtureRequest) -> Path:
    """The DuckDB warehouse the site is built from (see the module docstring)."""
    override = os.environ.get("CCWH_SITE_TEST_WAREHOUSE")
    if override:
        return Path(override)
    return request.getfixturevalue("pipeline_run").warehouse_path


@pytest.fixture(scope="session")
def built_site(
    site_warehouse: Path, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SiteBuild:
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH: the report site needs Node.js (make setup)")
    if not (REPORTS_DIR / "node_modules" / "@observablehq" / "framework").is_dir():
        pytest.fail("reports/node_modules is missing: run `make setup` (cd reports && npm ci)")
    if os.environ.get("CCWH_SITE_TEST_SITE"):
        return SiteBuild.from_dir(Path(os.environ["CCWH_SITE_TEST_SITE"]))
    if not os.environ.get("CCWH_SITE_TEST_WAREHOUSE"):
        pipeline_run: PipelineRun = request.getfixturevalue("pipeline_run")
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


@pytest.fixture(scope="session")
def mart(site_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(site_warehouse), read_only=True) as con:
        yield con


class PageLog:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []

    def assert_clean(self) -> None:
        assert not self.errors, self.errors
        assert not self.failed, self.failed
        assert not self.blocked, f"requests to other hosts: {self.blocked}"
        hosts = {
            urlsplit(u).hostname for u in self.requests if not u.startswith(("data:", "blob:"))
        }
        assert hosts <= {"127.0.0.1"}, hosts


def record_console(log: PageLog, msg: object) -> None:
    """Console errors, and Plot's warnings (a chart drawn from data it misreads)."""
    if msg.type == "error" or (msg.type == "warning" and msg.text.startswith("Warning:")):
        log.errors.append(f"console {msg.type}: {msg.text}")


def new_page(browser: object, width: int = 1400, **context_options: object):
    """A fresh page that records every request and console error, and blocks (and
    records) any request to a host other than 127.0.0.1."""
    log = PageLog()
    context = browser.new_context(
        viewport={"width": width, "height": 900}, service_workers="block", **context_options
    )

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
    return context, page, log


@pytest.fixture()
def page_and_log(browser: object) -> Iterator[tuple[object, PageLog]]:
    context, page, log = new_page(browser)
    yield page, log
    context.close()


RENDERED = """() => {
  const h1 = document.querySelector("h1#main-content");
  if (!h1 || !h1.textContent.trim()) return false;
  const charts = [...document.querySelectorAll("figure.chart")];
  if (!charts.every((c) => c.querySelector("svg") || c.querySelector(".chart-empty"))) return false;
  return document.querySelector(".kpi-grid .kpi-tile, [data-nodata], [data-kpi-entry]") != null;
}"""


TILE_DEFINITIONS = """() => [
  ...document.querySelectorAll(".kpi-grid .kpi-tile[data-model]")
].map((t) => {
  const id = t.getAttribute("aria-describedby");
  const description = id ? document.getElementById(id)?.textContent : null;
  const link = t.querySelector("a.kpi-glossary-link");
  const docs = t.querySelector("a.kpi-docs-link");
  return [t.dataset.kpi, id, description, t.getAttribute("title"), link?.getAttribute("href"),
    docs ? new URL(docs.href).pathname + new URL(docs.href).hash : null];
})"""


def open_page(page: object, url: str) -> None:
    """Open a page and wait until its tiles are filled and every chart is drawn
    (charts draw asynchronously, once their container's width is known)."""
    # no "networkidle" (half a second of silence per page): the page is ready when its
    # data files have become tiles and charts, which RENDERED checks; a second look a
    # frame later catches a cell that re-renders once the first values settle
    page.goto(url, wait_until="load")
    page.wait_for_function(RENDERED, timeout=30_000)
    page.wait_for_timeout(100)
    page.wait_for_function(RENDERED, timeout=30_000)


def set_period(page: object, lang: str, date_from: str, date_to: str) -> None:
    """Pick a period with the From and To inputs; wait until tiles and charts follow."""
    page.get_by_label(LABELS[lang]["to"], exact=True).fill(date_to)
    page.get_by_label(LABELS[lang]["from"], exact=True).fill(date_from)
    lo, hi = sorted([date_from, date_to])
    page.wait_for_selector(f'.kpi-grid[data-from="{lo}"][data-to="{hi}"]', timeout=10_000)
    page.wait_for_function(RENDERED, timeout=10_000)


def tile_value(page: object, kpi: str) -> float:
    value = page.get_attribute(f'.kpi-grid .kpi-tile[data-kpi="{kpi}"]', "data-value")
    assert value, f"tile {kpi} has no value"
    return float(value)


def tile_selector(kpi: str, part: str = "") -> str:
    return f'.kpi-grid .kpi-tile[data-kpi="{kpi}"] {part}'.strip()


def wait_tile(page: object, kpi: str, *, empty: bool, timeout: int = 10_000) -> None:
    """Wait until a tile has no value ("–") or has one, after a filter changed."""
    op = "===" if empty else "!=="
    page.wait_for_function(
        f"""() => document.querySelector('{tile_selector(kpi)}')
          ?.getAttribute('data-value') {op} ''""",
        timeout=timeout,
    )


def set_filter(page: object, name: str, label: str, checked: bool) -> None:
    """Tick or untick one checkbox of a filter (queues, channels, sites) by its label."""
    box = page.locator(f'[data-filter="{name}"]').get_by_label(label, exact=True)
    box.check() if checked else box.uncheck()


def grid_scope(page: object) -> tuple[str, str, list[str]]:
    grid = page.locator(".kpi-grid").first
    queues = grid.get_attribute("data-queues") or ""
    return grid.get_attribute("data-from"), grid.get_attribute("data-to"), queues.split(",")


# --------------------------------------------------------------------------- the marts


def catalog(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    cursor = con.execute("select * from marts.dim_kpis")
    names = [d[0] for d in cursor.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}


def columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'marts' and table_name = ?",
            [table],
        ).fetchall()
    }


def mart_value(
    con: duckdb.DuckDBPyConnection,
    kpi: str,
    model: str,
    date_from: str,
    date_to: str,
    fixed: dict[str, str] | None = None,
    queues: list[str] | None = None,
) -> float | None:
    """A KPI over a period straight from its mart: a ratio of summed parts, a sum or a max."""
    row = catalog(con)[kpi]
    have = columns(con, model)
    # the date column as the site's loader picks it (reports/src/data/_catalog.py)
    date_column = (
        next(
            (
                c
                for c in ("date_local", "date_day", "report_date", "contact_date", "date")
                if c in have
            ),
            None,
        )
        or con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name = ? and data_type = 'DATE' order by ordinal_position limit 1",
            [model],
        ).fetchone()[0]
    )
    # a weekly or monthly row counts when its week or month overlaps the period (D160)
    if model.endswith("_monthly") or date_column.startswith("month_"):
        where = [f"{date_column} between date_trunc('month', ?::date) and ?::date"]
    elif model.endswith("_weekly") or date_column.startswith("week_"):
        where = [f"{date_column} between ?::date - 6 and ?::date"]
    else:
        where = [f"{date_column} between ?::date and ?::date"]
    params: list[object] = [date_from, date_to]
    for dim, value in (fixed or {}).items():
        if dim in have:
            where.append(f"{dim} = ?")
        elif dim == "channel":
            where.append(
                "queue_id in (select queue_id from marts.fct_contacts where queue_id is not null"
                " group by queue_id having count(distinct channel) = 1 and min(channel) = ?)"
            )
        elif dim == "team":
            where.append("agent_id in (select agent_id from marts.dim_agents where team = ?)")
        else:
            raise AssertionError(f"{model} has no {dim}")
        params.append(value)
    if queues is not None:
        where.append("list_contains(?, queue_id)")
        params.append(queues)
    if row["numerator_column"]:
        num, den, column = row["numerator_column"], row["denominator_column"], row["column_name"]
        # the mart's own scale (NPS: 100 × (promoters − detractors) / responses)
        (factor,) = (
            con.execute(
                f"select coalesce(round(median({column} * {den} / {num})), 1) from marts.{model}"
                f" where {num} <> 0 and {den} <> 0"
            ).fetchone()
            if column in have
            else (1,)
        )
        expr = f"{float(factor)} * sum({num}) / nullif(sum({den}), 0)"
    elif str(row["formula"]).startswith("max("):
        expr = f"max({row['column_name']})"
    else:
        expr = f"sum({row['column_name']})"
    (value,) = con.execute(
        f"select {expr} from marts.{model} where {' and '.join(where)}", params
    ).fetchone()
    return None if value is None else float(value)


def mart_days(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The days with calls in the mart (a closed day has no row, or rows with no calls)."""
    return [
        r[0]
        for r in con.execute(
            "select date_local from marts.kpi_queue_daily"
            " group by date_local having sum(calls_offered) > 0 order by 1"
        ).fetchall()
    ]


def closed_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """A day between the first and the last with calls that has none (a closed Sunday)."""
    days = mart_days(con)
    present = set(days)
    day = days[0]
    while day < days[-1]:
        if day not in present:
            return day
        day += timedelta(days=1)
    return None


def queue_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    sql = "select queue_id from marts.dim_queues order by 1"
    return [r[0] for r in con.execute(sql).fetchall()]


# --------------------------------------------------------------------------- formats


def _group(digits: str, sep: str) -> str:
    out = ""
    while len(digits) > 3:
        out = sep + digits[-3:] + out
        digits = digits[:-3]
    return digits + out


def shown(value: float, kind: str, lang: str) -> str:
    """The text a tile shows for a value, written here independently of the site's code:
    en 79.9% / 18,498 / 5:07; es 79,9 % / 18.498 / 5:07."""
    decimal, thousands = (".", ",") if lang == "en" else (",", ".")
    if kind == "percent":
        text = f"{value * 100:.1f}".replace(".", decimal)
        return text + ("%" if lang == "en" else "\u00a0%")
    if kind == "seconds":
        s = math.floor(value + 0.5)
        return f"{s} s" if s < 60 else f"{s // 60}:{s % 60:02d}"
    if kind == "count":
        return _group(str(math.floor(value + 0.5)), thousands)

    def fixed(digits: int) -> str:
        sign = "−" if round(value, digits) < 0 else ""
        whole, _, fraction = f"{abs(value):.{digits}f}".partition(".")
        return sign + _group(whole, thousands) + decimal + fraction

    if kind == "currency":
        return f"€{fixed(2)}" if lang == "en" else f"{fixed(2)}\u00a0€"
    if kind == "score":
        return fixed(1)
    if kind == "minutes":
        return f"{fixed(1)} min"
    if kind == "hours":
        return f"{fixed(1)} h"
    return fixed(2)


def parse_shown(text: str, kind: str, lang: str) -> float:
    """The number a tile shows (the inverse of `shown`, for the tests of changes)."""
    decimal, thousands = (".", ",") if lang == "en" else (",", ".")
    t = text.replace("\u00a0", "").replace("%", "").replace(thousands, "").replace(decimal, ".")
    if kind == "seconds":
        if ":" in t:
            m, s = t.split(":")
            return int(m) * 60 + int(s)
        return float(t.replace("s", "").strip())
    value = float(t.replace("−", "-"))
    return value / 100 if kind == "percent" else value


# --------------------------------------------------------------------------- pages


AGENT_PAGES_SAMPLED = 3  # agent pages opened per language (CCWH_SITE_TEST_ALL_PAGES=1: all)


def site_pages(built_site: SiteBuild) -> list[str]:
    """Every page but the language chooser (the root index.html)."""
    return [p for p in built_site.pages if p != "index.html"]


def pages_to_open(built_site: SiteBuild) -> list[str]:
    """Every page, but only the first few agent pages of each language: they are one
    template with another agent (the build test checks that each exists), and opening
    all of them would double the test's time. CCWH_SITE_TEST_ALL_PAGES=1 opens them all."""
    pages = site_pages(built_site)
    if os.environ.get("CCWH_SITE_TEST_ALL_PAGES"):
        return pages
    agents = {lang: [p for p in pages if p.startswith(f"{lang}/agents/")] for lang in LANGS}
    keep = {p for lang in LANGS for p in agents[lang][:AGENT_PAGES_SAMPLED]}
    return [p for p in pages if "/agents/" not in p or p in keep]


def fixed_of(path: str) -> dict[str, str]:
    """What a drill-down page is filtered on, read off the page's path."""
    parts = path.removesuffix(".html").split("/")
    kind, name = (parts[1], parts[2]) if len(parts) == 3 else (parts[1], None)
    return {"queues": {"queue_id": name}, "channels": {"channel": name}}.get(kind, {})


def test_build_writes_every_page_in_both_languages(
    built_site: SiteBuild, mart: duckdb.DuckDBPyConnection
) -> None:
    agents = [
        r[0]
        for r in mart.execute(
            "select distinct agent_id from marts.kpi_agent_daily order by 1"
        ).fetchall()
    ]
    teams = [
        r[0]
        for r in mart.execute(
            "select distinct team from marts.dim_agents where team is not null"
            " and agent_id in (select agent_id from marts.kpi_agent_daily)"
        ).fetchall()
    ]
    channels = [
        r[0]
        for r in mart.execute(
            "select distinct channel from marts.fct_contacts where channel is not null"
        ).fetchall()
    ]
    for lang in LANGS:
        expected = (
            [f"{lang}/index.html", f"{lang}/glossary.html"]
            + [f"{lang}/planning.html", f"{lang}/adherence.html"]
            + [f"{lang}/family/{f}.html" for f in FAMILIES]
            + [f"{lang}/queues/{q}.html" for q in queue_ids(mart)]
            + [f"{lang}/channels/{slug(c)}.html" for c in channels]
            + [f"{lang}/teams/{slug(t)}.html" for t in teams]
            + [f"{lang}/agents/{slug(a)}.html" for a in agents]
        )
        built = [p for p in built_site.pages if p.startswith(f"{lang}/")]
        assert sorted(built) == sorted(expected), set(built) ^ set(expected)
    assert "index.html" in built_site.pages
    assert 0 < built_site.size_bytes < 80_000_000
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


def check_a_number(page: object, path: str, con: duckdb.DuckDBPyConnection) -> str:
    """At least one number the page shows equals the mart's value, as the page formats it.
    Returns what was compared (for the failure message of the caller)."""
    lang = path.split("/")[0]
    kind = path.split("/")[1].removesuffix(".html")
    if kind == "glossary":
        rows = catalog(con)
        entry = page.locator("#kpi-service_level")
        definition = rows["service_level"][f"definition_{lang}"]
        assert definition in entry.inner_text(), f"{path}: no {lang} definition"
        return "definition"
    if path.endswith("family/data-quality.html"):
        (loaded,) = con.execute(
            "select sum(rows_loaded) from marts.dq_file_loads where is_current_version"
        ).fetchone()
        tile = page.locator('[data-kpi="dq_rows_loaded"]')
        assert float(tile.get_attribute("data-value")) == loaded
        assert tile.locator(".kpi-value").inner_text() == shown(loaded, "count", lang)
        return "dq_rows_loaded"
    tiles = page.locator(".kpi-grid .kpi-tile[data-model]:not([data-value=''])")
    if tiles.count() == 0:
        assert page.get_by_text(LABELS[lang]["nodata"]).count() > 0, f"{path}: no tile, no note"
        return "no data yet"
    tile = tiles.first
    kpi, model = tile.get_attribute("data-kpi"), tile.get_attribute("data-model")
    date_from, date_to, _ = grid_scope(page)
    fixed = fixed_of(path)
    if kind in ("teams", "agents"):
        dim = "team" if kind == "teams" else "agent_id"
        heading = page.locator("h1#main-content").inner_text()
        with_dim = [
            r[0]
            for r in con.execute(f"select distinct {dim} from marts.dim_agents").fetchall()
            if r[0] and slug(str(r[0])) == path.split("/")[2].removesuffix(".html")
        ]
        assert len(with_dim) == 1, f"{path}: no single {dim} for the page"
        fixed = {dim: with_dim[0]}
        if kind == "teams":
            assert with_dim[0] in heading
    expected = mart_value(con, kpi, model, date_from, date_to, fixed)
    assert expected is not None, f"{path}: {kpi} has no value in {model}"
    value = float(tile.get_attribute("data-value"))
    assert value == pytest.approx(expected, rel=1e-9), f"{path}: {kpi} {value} != {expected}"
    text = tile.locator(".kpi-value").inner_text()
    assert text == shown(expected, tile.get_attribute("data-kind"), lang), (path, kpi, text)
    return kpi


def test_every_page_renders_offline_with_a_number_from_the_mart(
    built_site: SiteBuild, site_url: str, browser: object, mart: duckdb.DuckDBPyConnection
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page, log = new_page(browser, width=1280)
    compared = {}
    for path in pages_to_open(built_site):
        lang, kind = path.split("/")[0], path.split("/")[1].removesuffix(".html")
        open_page(page, site_url + path)
        assert page.evaluate("document.documentElement.lang") == lang, path
        # the language switch opens the same page in the other language
        other = "es" if lang == "en" else "en"
        switch = page.locator(f'.lang-switch a[hreflang="{other}"]')
        assert switch.get_attribute("href").endswith(f"/{other}/{path.split('/', 1)[1]}"), path
        charts = page.locator("figure.chart")
        minimum = {"index": 4, "queues": 4, "glossary": 0}.get(kind, 1)
        if kind == "family" and page.locator("[data-nodata='true'].family-empty").count():
            minimum = 0
        assert charts.count() >= minimum, f"{path}: {charts.count()} charts"
        for i in range(charts.count()):
            assert charts.nth(i).locator("svg, .chart-empty").count() > 0, f"{path}: chart {i}"
        # every tile's definition and glossary link, read in one round trip
        for kpi, described_by, description, title, href, docs in page.evaluate(TILE_DEFINITIONS):
            assert described_by, f"{path}: the {kpi} tile has no definition"
            assert description and title == description, (path, kpi)
            assert href and href.endswith(f"glossary.html#kpi-{kpi}"), (path, href)
            # and a link to its mart's page of the dbt docs published with the site
            assert docs and docs.startswith("/_dbt-docs/index.html#!/model/model."), (path, docs)
            if (built_site.out_dir / "_dbt-docs").is_dir():
                assert (built_site.out_dir / "_dbt-docs" / "index.html").is_file()
        if kind != "glossary":
            assert page.get_by_label(LABELS[lang]["from"], exact=True).count() == 1, path
            assert page.get_by_label(LABELS[lang]["to"], exact=True).count() == 1, path
        compared[path] = check_a_number(page, path, mart)
        page.screenshot(
            path=str(SCREENSHOTS / (path.replace("/", "_").removesuffix(".html") + ".png")),
            full_page=True,
        )
    context.close()
    log.assert_clean()
    assert compared


def test_headline_tiles_on_the_overview(
    site_url: str, page_and_log: tuple[object, PageLog], mart: duckdb.DuckDBPyConnection
) -> None:
    page, log = page_and_log
    for lang in LANGS:
        open_page(page, site_url + f"{lang}/index.html")
        for kpi in HEADLINE:
            assert page.locator(f'.kpi-grid .kpi-tile[data-kpi="{kpi}"]').count() == 1, kpi
        date_from, date_to, queues = grid_scope(page)
        assert sorted(queues) == queue_ids(mart)
        for kpi in ("service_level", "calls_offered", "asa_seconds"):
            expected = mart_value(mart, kpi, "kpi_queue_daily", date_from, date_to, queues=queues)
            assert tile_value(page, kpi) == pytest.approx(expected, rel=1e-9), kpi
            tile = page.locator(f'.kpi-grid .kpi-tile[data-kpi="{kpi}"]')
            kind = tile.get_attribute("data-kind")
            assert tile.locator(".kpi-value").inner_text() == shown(expected, kind, lang)
        # status in text and symbol, not by colour alone
        status = page.locator('.kpi-tile[data-kpi="service_level"]').get_attribute("data-status")
        text = page.locator('.kpi-tile[data-kpi="service_level"] .kpi-target').inner_text()
        assert status in ("good", "warn", "bad") and re.search("[✓!✗]", text), text
        # what moved most: KPIs with their change
        assert page.locator(".movers-list li").count() > 0
    log.assert_clean()


def test_spanish_formats(site_url: str, page_and_log: tuple[object, PageLog]) -> None:
    page, log = page_and_log
    open_page(page, site_url + "es/index.html")
    offered = page.locator('.kpi-tile[data-kpi="calls_offered"] .kpi-value').inner_text()
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", offered), offered  # 18.498
    level = page.locator('.kpi-tile[data-kpi="service_level"] .kpi-value').inner_text()
    assert re.fullmatch(r"\d{1,3},\d\u00a0%", level), level  # 79,9 %
    note = page.locator(".period-note").inner_text()
    assert re.search(r"\d{2}/\d{2}/\d{4}", note), note  # 31/10/2026
    assert "días" in note and "comparado con" in note
    assert (
        page.get_by_text("Cifras clave").count()
        + page.locator('section[aria-label="Cifras clave"]').count()
        > 0
    )
    labels = page.evaluate(DAY_TICKS, "service-level-trend")
    assert any(re.search(r"(lun|mar|mié|jue|vie|sáb|dom)", s) for s in labels), labels
    log.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_date_filter_changes_the_numbers(
    lang: str,
    site_url: str,
    page_and_log: tuple[object, PageLog],
    mart: duckdb.DuckDBPyConnection,
) -> None:
    page, log = page_and_log
    open_page(page, site_url + f"{lang}/index.html")
    date_from, date_to, queues = grid_scope(page)
    before = tile_value(page, "calls_offered")
    sl_before = tile_value(page, "service_level")
    span = (date.fromisoformat(date_to) - date.fromisoformat(date_from)).days
    if span >= 2:
        new_from = (date.fromisoformat(date_to) - timedelta(days=span // 2)).isoformat()
    else:
        new_from = mart_days(mart)[0].isoformat()
    assert new_from != date_from
    page.get_by_label(LABELS[lang]["from"], exact=True).fill(new_from)
    lo, hi = sorted([new_from, date_to])
    page.wait_for_selector(f'.kpi-grid[data-from="{lo}"][data-to="{hi}"]', timeout=10_000)
    after = tile_value(page, "calls_offered")
    assert after != before
    assert after == mart_value(mart, "calls_offered", "kpi_queue_daily", lo, hi, queues=queues)
    sl_after = tile_value(page, "service_level")
    assert sl_after != sl_before
    assert sl_after == pytest.approx(
        mart_value(mart, "service_level", "kpi_queue_daily", lo, hi, queues=queues), rel=1e-9
    )
    shown_text = page.locator('.kpi-tile[data-kpi="service_level"] .kpi-value').inner_text()
    assert parse_shown(shown_text, "percent", lang) == pytest.approx(sl_after, abs=0.0005)
    # the charts follow: the daily charts now span the new period
    trend = page.locator('[data-chart="service-level-trend"]')
    assert trend.get_attribute("data-from") == lo and trend.get_attribute("data-to") == hi
    log.assert_clean()


def test_queue_filter_changes_the_numbers(
    site_url: str, page_and_log: tuple[object, PageLog], mart: duckdb.DuckDBPyConnection
) -> None:
    page, log = page_and_log
    open_page(page, site_url + "en/index.html")
    date_from, date_to, queues = grid_scope(page)
    occupancy = tile_value(page, "occupancy")
    dropped = queues[0]
    (name,) = mart.execute(
        "select queue_name from marts.dim_queues where queue_id = ?", [dropped]
    ).fetchone()
    set_filter(page, "queues", name, False)
    kept = [q for q in queues if q != dropped]
    page.wait_for_selector(f'.kpi-grid[data-queues="{",".join(sorted(kept))}"]', timeout=10_000)
    assert tile_value(page, "calls_offered") == mart_value(
        mart, "calls_offered", "kpi_queue_daily", date_from, date_to, queues=kept
    )
    # occupancy is per agent, not per queue: unchanged, and the tile says why
    assert tile_value(page, "occupancy") == occupancy
    note = page.locator('.kpi-tile[data-kpi="occupancy"] .kpi-note').inner_text()
    assert "queue" in note
    log.assert_clean()


def test_channel_and_site_filters_change_the_numbers(
    site_url: str, page_and_log: tuple[object, PageLog], mart: duckdb.DuckDBPyConnection
) -> None:
    """The channel filter splits the KPIs of marts with a channel column (digital
    contacts); a queue mart without one, whose queues take every channel (voice and
    digital share the queues), is not split by channel and says so (D161). The site
    filter empties queue and agent KPIs alike."""
    page, log = page_and_log
    open_page(page, site_url + "en/family/accessibility.html")
    channels = [
        r[0]
        for r in mart.execute(
            "select distinct channel from marts.fct_contacts where channel is not null order by 1"
        ).fetchall()
    ]
    date_from, date_to, _ = grid_scope(page)
    offered = tile_value(page, "calls_offered")
    assert offered == mart_value(mart, "calls_offered", "kpi_queue_daily", date_from, date_to)
    # untick every channel: nothing left of the channel-split KPIs
    for channel in channels:
        set_filter(page, "channels", CHANNEL_NAMES.get(channel, channel), False)
    wait_tile(page, "digital_contacts_offered", empty=True)
    assert page.locator(tile_selector("digital_contacts_offered", ".kpi-value")).inner_text() == "–"
    # the voice queues' KPIs are not split by channel: unchanged, and the tile says why
    assert tile_value(page, "calls_offered") == offered
    assert "channel" in page.locator(tile_selector("calls_offered", ".kpi-note")).inner_text()
    # tick one channel back: its own figure, from the mart
    (channel,) = mart.execute(
        "select channel from marts.kpi_channel_daily where kpi_date between ? and ?"
        " group by channel having sum(contacts_offered) > 0 order by channel limit 1",
        [date_from, date_to],
    ).fetchone()
    set_filter(page, "channels", CHANNEL_NAMES.get(channel, channel), True)
    wait_tile(page, "digital_contacts_offered", empty=False)
    assert tile_value(page, "digital_contacts_offered") == mart_value(
        mart, "digital_contacts_offered", "kpi_channel_daily", date_from, date_to,
        {"channel": channel},
    )  # fmt: skip
    # the site filter: no site, no numbers (queue and agent KPIs alike)
    open_page(page, site_url + "en/family/efficiency.html")
    sites = [r[0] for r in mart.execute("select distinct site_id from marts.dim_queues").fetchall()]
    for site in sites:
        set_filter(page, "sites", site, False)
    wait_tile(page, "occupancy", empty=True)
    assert page.locator(tile_selector("aht_seconds")).get_attribute("data-value") == ""
    log.assert_clean()


def test_drill_down_filters_change_the_numbers(
    built_site: SiteBuild,
    site_url: str,
    page_and_log: tuple[object, PageLog],
    mart: duckdb.DuckDBPyConnection,
) -> None:
    """The date filter of a team page moves its tiles to the mart's values for the period."""
    page, log = page_and_log
    team_page = next(p for p in built_site.pages if p.startswith("es/teams/"))
    open_page(page, site_url + team_page)
    date_from, date_to, _ = grid_scope(page)
    before = tile_value(page, "contacts_handled")
    set_period(page, "es", date_to, date_to)
    after = tile_value(page, "contacts_handled")
    assert after != before
    (team,) = [
        r[0]
        for r in mart.execute("select distinct team from marts.dim_agents").fetchall()
        if r[0] and slug(r[0]) == team_page.split("/")[2].removesuffix(".html")
    ]
    assert after == mart_value(
        mart, "contacts_handled", "kpi_agent_daily", date_to, date_to, {"team": team}
    )
    log.assert_clean()


def test_a_family_page_loads_its_by_agent_table_on_request(
    site_url: str, page_and_log: tuple[object, PageLog], mart: duckdb.DuckDBPyConnection
) -> None:
    """The by-agent table of a family page reads every agent's days of its KPIs, the
    page's largest file on a large center: it is fetched when the reader asks for the
    table, not before (D206); its numbers are the mart's, per agent."""
    page, log = page_and_log
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_page(page, site_url + "en/family/efficiency.html")
    date_from, date_to, _ = grid_scope(page)
    assert page.locator('[data-table="by-queue"]').count() == 1
    assert page.locator('[data-table="by-agent"]').count() == 0
    assert not [u for u in requested if "/families/" in u]
    assert [u for u in requested if "/kpi_values." in u]
    page.locator('[data-toggle="by-agent"] input').check()
    table = page.locator('[data-table="by-agent"]')
    table.locator("tbody tr").first.wait_for(timeout=20_000)
    assert [u for u in requested if "/families/efficiency." in u]
    name = catalog(mart)["occupancy"]["name_en"]
    header = table.locator("thead th").all_inner_texts()
    column = next(i for i, h in enumerate(header) if h.strip().startswith(name))
    rows = table.locator("tbody tr")
    checked = 0
    for i in range(min(rows.count(), 3)):
        cells = rows.nth(i).locator("td").all_inner_texts()  # a row's label: "Name (id)"
        agent = next(m.group(1) for c in cells if (m := re.search(r"\(([^()]+)\)$", c.strip())))
        text = cells[column]
        expected = mart_value(
            mart, "occupancy", "kpi_agent_daily", date_from, date_to, {"agent_id": agent}
        )
        if expected is None:
            continue
        assert text == shown(expected, "percent", "en"), (agent, text, expected)
        checked += 1
    assert checked > 0
    log.assert_clean()


def test_phone_width_and_print(built_site: SiteBuild, site_url: str, browser: object) -> None:
    """At 390 px nothing overflows sideways; printed, the navigation and filters go."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page, log = new_page(browser, width=390, is_mobile=True, has_touch=True)
    pages = site_pages(built_site)
    representative = [
        f"{lang}/{name}.html"
        for lang in LANGS
        for name in (
            "index",
            "glossary",
            "family/accessibility",
            "family/data-quality",
            "family/sales",
            "planning",
            "adherence",
        )
    ] + [
        next(p for p in pages if p.startswith(f"{lang}/{kind}/"))
        for lang in LANGS
        for kind in ("queues", "channels", "teams", "agents")
    ]
    for path in representative:
        open_page(page, site_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 392, f"{path}: {overflow} px wide at 390"
        page.screenshot(
            path=str(SCREENSHOTS / f"phone-{path.replace('/', '_').removesuffix('.html')}.png"),
            full_page=True,
        )
    context.close()
    log.assert_clean()
    context, page, log = new_page(browser, width=1280)
    open_page(page, site_url + "en/index.html")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".filters").first.is_visible()
    assert page.locator(".kpi-grid").is_visible()
    page.pdf(path=str(SCREENSHOTS / "print-en_index.pdf"))
    context.close()
    log.assert_clean()


def test_keyboard_reaches_the_skip_link_filters_and_language(
    site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    open_page(page, site_url + "en/index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate(
                "document.activeElement.getAttribute('hreflang')"
                " || document.activeElement.getAttribute('type') || ''"
            )
        )
    assert "es" in reached and "date" in reached and "checkbox" in reached, reached
    log.assert_clean()


def test_language_switch_keeps_the_page(
    built_site: SiteBuild, site_url: str, page_and_log: tuple[object, PageLog]
) -> None:
    page, log = page_and_log
    queue_page = next(p for p in built_site.pages if p.startswith("en/queues/"))
    open_page(page, site_url + queue_page)
    page.locator('.lang-switch a[hreflang="es"]').click()
    page.wait_for_url("**/es/queues/*.html")
    page.wait_for_function(RENDERED, timeout=30_000)
    assert page.url.endswith(queue_page.replace("en/", "es/", 1))
    assert page.locator("h1#main-content").inner_text().startswith("Cola ")
    assert page.get_by_label("Desde", exact=True).count() == 1
    log.assert_clean()


def test_root_offers_both_languages(site_url: str, page_and_log: tuple[object, PageLog]) -> None:
    page, log = page_and_log
    page.goto(site_url + "index.html?choose")
    page.wait_for_load_state("networkidle")
    for lang in LANGS:
        href = page.locator(f'a[hreflang="{lang}"]').get_attribute("href")
        assert href in (f"./{lang}/", f"./{lang}/index.html"), href
    # without ?choose it opens the browser's language (Chromium here: English)
    page.goto(site_url + "index.html")
    page.wait_for_url("**/en/index.html")
    log.assert_clean()


# The real center is closed on Sundays: those days have no rows in the marts. They must
# never show as a 0 % (tiles, charts, heatmap), daily charts tick by whole days, and
# short periods (one day, a closed day, two days around it) draw with no console error,
# as they do on a warehouse of a few days.

DAY_TICKS = """(chart) => [...document.querySelectorAll(
    `[data-chart="${chart}"] svg [aria-label="x-axis tick label"] text`
  )].map((t) => [...t.querySelectorAll("tspan")].map((s) => s.textContent).join(" ")
    || t.textContent)"""


def day_label(day: date, lang: str) -> str:
    if lang == "en":
        return f"{day:%a} {day.day} {day:%b}"
    names = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]
    return f"{names[day.weekday()]} {day:%d/%m}"


def test_short_periods_render_without_errors(
    built_site: SiteBuild,
    site_url: str,
    page_and_log: tuple[object, PageLog],
    mart: duckdb.DuckDBPyConnection,
) -> None:
    page, log = page_and_log
    days = mart_days(mart)
    periods = [(days[-1], days[-1]), (days[0], days[min(1, len(days) - 1)])]
    closed = closed_day(mart)
    if closed:
        periods += [(closed - timedelta(days=1), closed + timedelta(days=1)), (closed, closed)]
    paths = ["en/index.html", "es/family/efficiency.html"] + [
        next(p for p in built_site.pages if p.startswith(prefix))
        for prefix in ("en/queues/", "es/agents/")
    ]
    for path in paths:
        open_page(page, site_url + path)
        lang = path.split("/")[0]
        for date_from, date_to in periods:
            set_period(page, lang, date_from.isoformat(), date_to.isoformat())
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
    log.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_daily_charts_tick_by_day_and_skip_closed_days(
    lang: str,
    site_url: str,
    page_and_log: tuple[object, PageLog],
    mart: duckdb.DuckDBPyConnection,
) -> None:
    page, log = page_and_log
    closed = closed_day(mart)
    if closed is None:
        pytest.skip("the warehouse has no day without calls between its first and last")
    before, after = closed - timedelta(days=1), closed + timedelta(days=1)
    open_page(page, site_url + f"{lang}/index.html")
    set_period(page, lang, before.isoformat(), after.isoformat())
    for chart in ("service-level-trend", "aht"):
        labels = page.evaluate(DAY_TICKS, chart)
        expected = [day_label(d, lang) for d in (before, closed, after)]
        assert labels == expected, (chart, labels)
    (points,) = mart.execute(
        "select count(*) from marts.kpi_queue_daily where date_local between ? and ?"
        " and service_level_denominator > 0",
        [before, after],
    ).fetchone()
    trend = page.locator('[data-chart="service-level-trend"]')
    assert trend.locator('svg g[aria-label="dot"] circle').count() == points
    for d in trend.locator('svg g[aria-label="line"] path').evaluate_all(
        "(ps) => ps.map((p) => p.getAttribute('d'))"
    ):
        assert "L" not in d, f"a line is drawn across the closed day: {d}"
    # the closed day alone: no value anywhere, never a 0 (occupancy is about agents, who
    # may log in on a day without calls)
    set_period(page, lang, closed.isoformat(), closed.isoformat())
    for kpi in [k for k in HEADLINE if k != "occupancy"]:
        tile = page.locator(f'.kpi-tile[data-kpi="{kpi}"]')
        assert tile.get_attribute("data-value") == "", f"{kpi} has a value on a closed day"
        assert tile.locator(".kpi-value").inner_text() == "–"
    for chart in ("service-level-trend", "service-level-heatmap", "aht"):
        assert page.locator(f'[data-chart="{chart}"] .chart-empty').count() == 1, chart
    log.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_lists_every_catalog_kpi(
    lang: str,
    site_url: str,
    page_and_log: tuple[object, PageLog],
    mart: duckdb.DuckDBPyConnection,
) -> None:
    page, log = page_and_log
    open_page(page, site_url + f"{lang}/glossary.html")
    rows = catalog(mart)
    listed = page.eval_on_selector_all(
        "[data-kpi-entry]", "(es) => es.map((e) => e.dataset.kpiEntry)"
    )
    assert sorted(listed) == sorted(rows), "the glossary must list every catalog KPI"
    # every entry's text and formula, read in one round trip
    entries = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("[data-kpi-entry]")].map((e) =>
          [e.dataset.kpiEntry, [e.innerText, e.querySelector("code")?.innerText ?? ""]]))"""
    )
    for key, row in rows.items():
        text, formula = entries[key]
        assert row[f"definition_{lang}"] in text, f"glossary entry {key}: no definition"
        assert row[f"name_{lang}"] in text, f"glossary entry {key}: no name"
        assert formula, f"glossary entry {key}: no formula"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{lang}_glossary-full.png"), full_page=True)
    # a tile's link lands on its entry
    open_page(page, site_url + f"{lang}/index.html")
    page.locator('.kpi-tile[data-kpi="service_level"] summary').click()
    page.locator('.kpi-tile[data-kpi="service_level"] a.kpi-glossary-link').click()
    page.wait_for_selector("#kpi-service_level", timeout=30_000)
    assert page.url.endswith(f"{lang}/glossary.html#kpi-service_level"), page.url
    log.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_currency_and_nps_formats(
    lang: str,
    site_url: str,
    page_and_log: tuple[object, PageLog],
    mart: duckdb.DuckDBPyConnection,
) -> None:
    """Cost per contact in euros as the language writes them (€1.85 / 1,85 €), from the
    month that overlaps the period (D160); NPS as a score on −100..100, not a per cent
    (D162), on its tile and in the per-queue table."""
    page, log = page_and_log
    open_page(page, site_url + f"{lang}/family/cost.html")
    date_from, date_to, _ = grid_scope(page)
    tile = page.locator(tile_selector("cost_per_contact"))
    assert tile.get_attribute("data-kind") == "currency"
    expected = mart_value(mart, "cost_per_contact", "kpi_cost_monthly", date_from, date_to)
    assert tile_value(page, "cost_per_contact") == pytest.approx(expected, rel=1e-9)
    text = tile.locator(".kpi-value").inner_text()
    assert text == shown(expected, "currency", lang)
    assert re.fullmatch(r"€\d+\.\d{2}" if lang == "en" else r"\d+,\d{2}\u00a0€", text), text
    open_page(page, site_url + f"{lang}/family/customer-outcomes.html")
    date_from, date_to, _ = grid_scope(page)
    tile = page.locator(tile_selector("nps_score"))
    assert tile.get_attribute("data-kind") == "score"
    expected = mart_value(mart, "nps_score", "kpi_customer_outcomes_daily", date_from, date_to)
    # the mart's scale is −100..100, not −1..1 (any one day may well be exactly 0)
    (largest,) = mart.execute(
        "select max(abs(nps_score)) from marts.kpi_customer_outcomes_daily"
        " where nps_score_denominator > 0"
    ).fetchone()
    assert -100 <= expected <= 100 and float(largest) > 1
    assert tile_value(page, "nps_score") == pytest.approx(expected, rel=1e-9)
    text = tile.locator(".kpi-value").inner_text()
    assert text == shown(expected, "score", lang) and "%" not in text, text
    header = page.locator('[data-table="by-queue"] thead th').all_inner_texts()
    column = next(i for i, h in enumerate(header) if h.startswith("NPS") or "NPS" in h)
    cells = page.locator(f'[data-table="by-queue"] tbody tr td:nth-child({column + 1})')
    assert cells.count() > 0
    assert all("%" not in c for c in cells.all_inner_texts()), cells.all_inner_texts()
    log.assert_clean()


CONTRAST = """() => {
  // WCAG 2 contrast of every visible text node's colour against its effective background
  // rgb(r, g, b[, a]) on 0-255, or color(srgb r g b[ / a]) on 0-1 (color-mix results)
  const parse = (c) => {
    const v = (c.match(/[\\d.]+/g) || []).map(Number);
    if (!c.startsWith("color(")) return v;
    return [...v.slice(0, 3).map((x) => x * 255), ...v.slice(3)];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || seen.has(el) || !walker.currentNode.textContent.trim()) continue;
    seen.add(el);
    if (el.closest("svg, details:not([open]) > :not(summary), .skip-link")) continue;
    const style = getComputedStyle(el);
    const hidden = style.visibility === "hidden" || style.display === "none";
    if (hidden || !el.getClientRects().length) continue;
    const fg = parse(style.color);
    const [a, b] = [lum(fg.slice(0, 3)), lum(background(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && +style.fontWeight >= 700);
    const text = el.textContent.trim().slice(0, 40);
    const what = `${el.tagName}.${el.className}`;
    if (ratio < (large ? 3 : 4.5)) out.push(`${what}: ${ratio.toFixed(2)} ${text}`);
  }
  return out;
}"""


def test_text_contrast_meets_wcag_aa(site_url: str, page_and_log: tuple[object, PageLog]) -> None:
    """Every visible text of a page of each kind has a contrast of at least 4.5:1 with its
    background (3:1 for large text), status colours and links included."""
    page, log = page_and_log
    for path in (
        "en/index.html",
        "es/family/accessibility.html",
        "en/family/cost.html",
        "es/planning.html",
        "en/adherence.html",
        "en/glossary.html",
    ):
        open_page(page, site_url + path)
        low = page.evaluate(CONTRAST)
        assert not low, f"{path}: text below WCAG AA contrast: {low[:10]}"
    # the check sees a pale grey text on the white page
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML(
          "beforeend", '<p class="pale" style="color:#b0b0b0">pale</p>')"""
    )
    assert any("pale" in f for f in page.evaluate(CONTRAST))
    log.assert_clean()


# --------------------------------------------------------------------------- planning


def accuracy_expected(
    con: duckdb.DuckDBPyConnection, queue: str, source: str, date_from: str, date_to: str
) -> dict[str, float | None]:
    """WAPE (day, week) and bias of one forecast source for one queue over a period, from
    the accuracy marts: days in the period, weeks that overlap it (D160)."""

    def ratio(table: str, kpi: str, date_column: str, low: str) -> float | None:
        (value,) = con.execute(
            f"select sum({kpi}_numerator) / nullif(sum({kpi}_denominator), 0)"
            f" from marts.{table} where queue_id = ? and {date_column} between {low} and ?::date",
            [queue, date_from, date_to],
        ).fetchone()
        return None if value is None else float(value)

    return {
        "wape_day": ratio(
            "kpi_forecast_accuracy_daily", f"{source}_wape_daily", "date_local", "?::date"
        ),
        "wape_week": ratio(
            "kpi_forecast_accuracy_weekly", f"{source}_wape_weekly", "week_start_date",
            "?::date - 6",
        ),
        "bias": ratio("kpi_forecast_accuracy_daily", f"{source}_bias", "date_local", "?::date"),
    }  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_planning_page_shows_plan_vs_actual_and_accuracy_from_the_marts(
    lang: str,
    site_url: str,
    page_and_log: tuple[object, PageLog],
    mart: duckdb.DuckDBPyConnection,
) -> None:
    page, log = page_and_log
    open_page(page, site_url + f"{lang}/planning.html")
    date_from, date_to, _ = grid_scope(page)
    # the default period runs into the plan's coming days (is_future rows)
    (future,) = mart.execute(
        "select count(*) from marts.kpi_plan_vs_actual_interval where is_future"
        " and date_local between ? and ?",
        [date_from, date_to],
    ).fetchone()
    assert future > 0, "the default period shows no coming day of the plan"
    for chart in ("plan-calls", "plan-agents", "plan-service-level"):
        figure = page.locator(f'[data-chart="{chart}"]')
        assert figure.locator("svg").count() > 0, chart
        assert int(figure.get_attribute("data-points")) > 0, chart
        # a text key and the same figures as a table (not colour alone)
        assert figure.locator(".line-key li").count() >= 2, chart
        assert figure.locator("details.chart-table table").count() == 1, chart
    # forecast vs offered of the chosen queue: the chart's points are the mart's rows
    queue = page.locator('[data-chart="plan-calls"]').get_attribute("data-queue")
    (forecast_points, offered_points) = mart.execute(
        "select count(forecast_calls), count(calls_offered) from marts.kpi_plan_vs_actual_interval"
        " where queue_id = ? and date_local between ? and ?",
        [queue, date_from, date_to],
    ).fetchone()
    points = int(page.locator('[data-chart="plan-calls"]').get_attribute("data-points"))
    assert points == forecast_points + offered_points
    # the tiles: model WAPE per day over every queue, as the mart sums it
    expected = mart_value(
        mart, "model_wape_daily", "kpi_forecast_accuracy_daily", date_from, date_to
    )
    assert tile_value(page, "model_wape_daily") == pytest.approx(expected, rel=1e-9)
    text = page.locator(tile_selector("model_wape_daily", ".kpi-value")).inner_text()
    assert text == shown(expected, "percent", lang)
    # the accuracy table: every queue and source, equal to the marts
    rows = json.loads(page.locator('[data-table="forecast-accuracy"]').get_attribute("data-rows"))
    assert {r[1] for r in rows} == {"model", "baseline", "wfm"}
    for queue_id, source, wape_day, wape_week, bias in rows:
        want = accuracy_expected(mart, queue_id, source, date_from, date_to)
        for got, key in ((wape_day, "wape_day"), (wape_week, "wape_week"), (bias, "bias")):
            if want[key] is None:
                assert got is None, (queue_id, source, key)
            else:
                assert got == pytest.approx(want[key], rel=1e-9), (queue_id, source, key)
    first = rows[0]
    cells = page.locator('[data-table="forecast-accuracy"] tbody tr').first.locator("td")
    assert shown(first[2], "percent", lang) in cells.all_inner_texts()
    # another queue and a shorter period: the charts follow
    other = mart.execute(
        "select queue_id from marts.dim_queues where queue_id <> ? order by 1 limit 1", [queue]
    ).fetchone()[0]
    page.locator('[data-filter="queue"] select').select_option(label=queue_name(mart, other))
    page.wait_for_function(
        f"""() => document.querySelector('[data-chart="plan-calls"] h2')
          ?.textContent.includes({json.dumps(queue_name(mart, other))})""",
        timeout=10_000,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{lang}_planning-queue.png"), full_page=True)
    log.assert_clean()


def queue_name(con: duckdb.DuckDBPyConnection, queue: str) -> str:
    (name,) = con.execute(
        "select coalesce(queue_name, queue_id) from marts.dim_queues where queue_id = ?", [queue]
    ).fetchone()
    return name


@pytest.mark.parametrize("lang", LANGS)
def test_adherence_page_heatmaps_and_board_from_the_marts(
    lang: str,
    site_url: str,
    page_and_log: tuple[object, PageLog],
    mart: duckdb.DuckDBPyConnection,
) -> None:
    page, log = page_and_log
    open_page(page, site_url + f"{lang}/adherence.html")
    date_from, date_to, _ = grid_scope(page)
    expected = mart_value(mart, "adherence", "kpi_adherence_agent_daily", date_from, date_to)
    assert tile_value(page, "adherence") == pytest.approx(expected, rel=1e-9)
    text = page.locator(tile_selector("adherence", ".kpi-value")).inner_text()
    assert text == shown(expected, "percent", lang)
    # agent × day and team × day: one cell per agent (team) and day with a schedule
    for chart, table, key in (
        ("adherence-agent-day", "kpi_adherence_agent_daily", "agent_id"),
        ("adherence-team-day", "kpi_adherence_team_daily", "team"),
    ):
        (cells,) = mart.execute(
            f"select count(*) from (select distinct {key}, date_local from marts.{table}"
            " where date_local between ? and ? and adherence_denominator > 0)",
            [date_from, date_to],
        ).fetchone()
        drawn = page.locator(f'[data-chart="{chart}"] svg g[aria-label="cell"] rect').count()
        assert drawn == cells, (chart, drawn, cells)
    # the latest-day board: one row per agent, in adherence now said in words
    (agents,) = mart.execute("select count(*) from marts.kpi_adherence_latest_day").fetchone()
    board = page.locator('[data-table="adherence-board"] tbody tr')
    assert board.count() == agents
    words = {"en": ("✓ yes", "✗ no"), "es": ("✓ sí", "✗ no")}[lang]
    assert any(w in board.first.inner_text() for w in words)
    # agent x interval on the latest day: one cell per agent and interval with a schedule
    (cells,) = mart.execute(
        "select count(*) from marts.kpi_adherence_agent_interval where date_local = (select"
        " max(date_local) from marts.kpi_adherence_agent_interval)"
        " and interval_adherence_denominator > 0"
    ).fetchone()
    assert cells > 0
    drawn = page.locator('[data-chart="adherence-interval"] svg g[aria-label="cell"] rect')
    assert drawn.count() == cells
    log.assert_clean()


def test_a_new_kpi_mart_reaches_its_family_page_with_no_site_code(
    site_warehouse: Path,
    tmp_path_factory: pytest.TempPathFactory,
    browser: object,
) -> None:
    """What another team's mart gets when it lands: a copy of the warehouse with a new
    kpi_* table and its catalog row (as `dbt build` would write them) builds a site whose
    customer-outcomes page shows the KPI, with the mart's value, in both languages."""
    root = tmp_path_factory.mktemp("new-mart")
    warehouse = root / "ccwh.duckdb"
    shutil.copyfile(site_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            """create table marts.kpi_survey_daily as
            select queue_id, site_id, date_local,
                calls_answered // 10 as csat_numerator,
                calls_answered // 8 as csat_denominator
            from marts.kpi_queue_daily"""
        )
        names = [d[0] for d in con.execute("select * from marts.dim_kpis limit 0").description]
        row = {name: None for name in names} | {
            "kpi_key": "csat",
            "family": "customer_outcomes",
            "name_en": "Customer satisfaction (CSAT)",
            "name_es": "Satisfacción del cliente (CSAT)",
            "definition_en": "Responses scoring 4-5 / responses.",
            "definition_es": "Respuestas con 4-5 / respuestas.",
            "formula": "csat_numerator / csat_denominator",
            "unit": "ratio",
            "direction": "higher_is_better",
            "default_target": 0.85,
            "grain": "queue per day",
            "models": "kpi_survey_daily",
            "column_name": "csat",
            "numerator_column": "csat_numerator",
            "denominator_column": "csat_denominator",
            "source": "test",
        }
        con.execute(
            f"insert into marts.dim_kpis ({', '.join(names)})"
            f" values ({', '.join('?' for _ in names)})",
            [row[n] for n in names],
        )
    site = build_site(warehouse, root / "dist")
    assert "en/family/customer-outcomes.html" in site.pages
    with (
        serving(site.out_dir, host="127.0.0.1", port=0) as url,
        duckdb.connect(str(warehouse), read_only=True) as con,
    ):
        context, page, log = new_page(browser, width=1280)
        for lang in LANGS:
            open_page(page, url + f"{lang}/family/customer-outcomes.html")
            tile = page.locator('.kpi-grid .kpi-tile[data-kpi="csat"]')
            assert tile.get_attribute("data-model") == "kpi_survey_daily"
            date_from, date_to, _ = grid_scope(page)
            expected = mart_value(con, "csat", "kpi_survey_daily", date_from, date_to)
            assert tile_value(page, "csat") == pytest.approx(expected, rel=1e-9)
            assert tile.locator(".kpi-value").inner_text() == shown(expected, "percent", lang)
            assert page.locator('[data-chart="trend-csat"] svg').count() > 0
            assert page.locator('[data-table="by-queue"]').count() == 1
            name = "Customer satisfaction (CSAT)" if lang == "en" else "Satisfacción"
            assert name in tile.locator(".kpi-label").text_content()
        page.screenshot(path=str(SCREENSHOTS / "new-mart-es_family_customer-outcomes.png"))
        context.close()
    log.assert_clean()
