"""The dbt documentation (lineage, column docs, KPI doc blocks), published inside the site.

`dbt docs generate --static` writes `static_index.html`: the docs app with the manifest and
the catalog embedded, one file that opens from a static server or from disk. It is copied
to `<site>/dbt-docs/index.html`, beside `manifest.json` and `catalog.json` (for tools that
read them). The page must load nothing from another host: `check_offline` fails the step
when the HTML names an external script, style sheet, font or image (the docs app's links to
docs.getdbt.com etc. are plain `<a href>`s, which load nothing until clicked).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.dbt_cli import run_dbt
from orchestration.publish.build import PublishError

DOCS_FOLDER = "dbt-docs"

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
    return [html[max(0, m.start() - 40) : m.end() + 60] for m in _FETCHING.finditer(html)]


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
        shutil.copyfile(static, staging / "index.html")
        for name in ("manifest.json", "catalog.json"):
            shutil.copyfile(target / name, staging / name)
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    size = sum(p.stat().st_size for p in folder.iterdir())
    return DbtDocs(folder=folder, size_bytes=size, seconds=time.perf_counter() - started)
