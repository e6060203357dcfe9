"""Build and serve the report site (Observable Framework, in reports/).

`build_site` runs, with no network:

1. `node scripts/prepare-offline.mjs`: clears cached data-loader outputs (so every
   build re-reads the warehouse it is given) and fills Framework's npm cache from
   reports/node_modules;
1b. `python src/data/_pages.py`: the KPI values summed over agents and teams
   (kpi_values.csv), the agent, team and family pages' data files and the other loaders'
   outputs, all from one pass over the marts, into that cache, where Framework takes them
   as its loaders' outputs (else: one process per page);
2. `node --import ./scripts/offline-guard.mjs <framework>/bin/observable.js build`: the
   data loaders (src/data/*.py, run with this Python) select from the marts of the
   warehouse named by CCWH_WAREHOUSE; the guard makes any network access fail the build;
3. `node scripts/check-offline.mjs <out>`: fails if a page would load anything from a
   host other than 127.0.0.1.

`serve_site` serves the built folder with a plain static HTTP server (ES modules do
not load from file://).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = REPO_ROOT / "reports"
FRAMEWORK_CLI = (
    REPORTS_DIR / "node_modules" / "@observablehq" / "framework" / "dist" / "bin" / "observable.js"
)
DEFAULT_OUT_DIR = REPORTS_DIR / "dist"
# Framework's cache of data-loader outputs (cleared by prepare-offline.mjs before a build)
LOADER_CACHE = REPORTS_DIR / "src" / ".observablehq" / "cache"
BUILD_TIMEOUT_SECONDS = 900


class SiteBuildError(RuntimeError):
    """A step of the site build failed; the message carries the tool's output."""


@dataclass(frozen=True)
class SiteBuild:
    out_dir: Path
    pages: list[str]  # site paths of the HTML pages, e.g. "index.html", "queues/sales.html"
    size_bytes: int
    seconds: float

    @property
    def size_mb(self) -> float:
        return self.size_bytes / 1_000_000

    @classmethod
    def from_dir(cls, out_dir: Path, seconds: float = 0.0) -> SiteBuild:
        """Describe a built site folder (its HTML pages and total size)."""
        pages = sorted(
            p.relative_to(out_dir).as_posix()
            for p in out_dir.rglob("*.html")
            if not p.relative_to(out_dir).as_posix().startswith("_")
        )
        if not pages:
            raise SiteBuildError(f"site build: no pages were written to {out_dir}")
        size = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
        return cls(out_dir=out_dir, pages=pages, size_bytes=size, seconds=seconds)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise SiteBuildError(
            "node is not on PATH: install Node.js 18+ (the report site is built with it)"
        )
    return node


def _build_env(warehouse_path: Path, out_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    venv_bin = str(Path(sys.executable).parent)
    env.update(
        CCWH_WAREHOUSE=str(warehouse_path),
        CCWH_SITE_OUT=str(out_dir),
        CCWH_PYTHON=sys.executable,
        OBSERVABLE_TELEMETRY_DISABLE="true",
        DO_NOT_TRACK="1",
        NO_COLOR="1",
        PATH=os.pathsep.join([venv_bin, env.get("PATH", "")]),
    )
    env.pop("FORCE_COLOR", None)
    return env


def _run(step: str, args: list[str], env: dict[str, str]) -> str:
    try:
        result = subprocess.run(
            args,
            cwd=REPORTS_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SiteBuildError(
            f"site build: {step} timed out after {BUILD_TIMEOUT_SECONDS}s"
        ) from error
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise SiteBuildError(
            f"site build: {step} failed (exit {result.returncode}) in {REPORTS_DIR}:\n"
            f"$ {' '.join(args)}\n{output[-20_000:]}"
        )
    return output


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    """One build at a time in this tree: builds share reports/src/.observablehq/cache."""
    lock_path = REPORTS_DIR / "node_modules" / ".ccwh-site-build.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _clear_out_dir(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    looks_built = (out_dir / "_observablehq").is_dir() or (out_dir / "index.html").is_file()
    if any(out_dir.iterdir()) and not looks_built:
        raise SiteBuildError(
            f"site build: {out_dir} exists and does not look like a built site; "
            "choose an empty or new folder"
        )
    shutil.rmtree(out_dir)


def _favicon() -> bytes:
    """A 1 x 1 transparent icon (ICO with one 32-bit BMP image): the pages' <head> is
    Framework's own (no `head` in the config, DECISIONS.md D190), so browsers ask the
    server for /favicon.ico; the file spares them a 404."""

    bmp = struct.pack("<IiiHHIIiiII", 40, 1, 2, 1, 32, 0, 8, 0, 0, 0, 0)
    image = bmp + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"  # one pixel, then its AND mask
    entry = struct.pack("<BBBBHHII", 1, 1, 0, 0, 1, 32, len(image), 22)
    header = struct.pack("<HHH", 0, 1, 1) + entry
    return header + image


def build_site(warehouse_path: Path, out_dir: Path | None = None) -> SiteBuild:
    """Build the static report site from the marts of `warehouse_path` into `out_dir`.

    Raises SiteBuildError with the failing tool's output.
    """
    warehouse_path = Path(warehouse_path).resolve()
    out_dir = Path(out_dir).resolve() if out_dir is not None else DEFAULT_OUT_DIR
    if not warehouse_path.is_file():
        raise SiteBuildError(
            f"site build: warehouse {warehouse_path} does not exist; run the pipeline first"
        )
    if not FRAMEWORK_CLI.is_file():
        raise SiteBuildError(
            f"site build: {FRAMEWORK_CLI.relative_to(REPO_ROOT)} is missing; "
            "run `make setup` (or `cd reports && npm ci`)"
        )
    node = _node()
    env = _build_env(warehouse_path, out_dir)
    started = time.perf_counter()
    with _build_lock():
        _clear_out_dir(out_dir)
        _run("prepare (scripts/prepare-offline.mjs)", [node, "scripts/prepare-offline.mjs"], env)
        _run(
            "per-page data (src/data/_pages.py)",
            [sys.executable, "src/data/_pages.py", str(LOADER_CACHE / "data")],
            env,
        )
        _run(
            "observable build",
            [node, "--import", "./scripts/offline-guard.mjs", str(FRAMEWORK_CLI), "build"],
            env,
        )
        (out_dir / "favicon.ico").write_bytes(_favicon())
        _run(
            "offline check (scripts/check-offline.mjs)",
            [node, "scripts/check-offline.mjs", str(out_dir)],
            env,
        )
    return SiteBuild.from_dir(out_dir, seconds=time.perf_counter() - started)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".json": "application/json",
        ".csv": "text/csv",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def make_site_server(
    site_dir: Path, host: str = "127.0.0.1", port: int = 3001
) -> http.server.ThreadingHTTPServer:
    """A static HTTP server for `site_dir` (not started); port 0 picks a free port."""
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(
            f"{site_dir} has no index.html: build the site first (ccwh site build)"
        )
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve_site(site_dir: Path, host: str = "127.0.0.1", port: int = 3001) -> None:
    """Serve the built site until interrupted (Ctrl-C)."""
    server = make_site_server(site_dir, host, port)
    url = f"http://{host}:{server.server_address[1]}/"
    print(f"Serving {Path(site_dir).resolve()} at {url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@contextlib.contextmanager
def serving(site_dir: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `site_dir` in a background thread; yields the base URL (for tests)."""
    server = make_site_server(site_dir, host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
