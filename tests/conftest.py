"""Shared fixtures: one end-to-end run of the pipeline on a small simulated center.

The run goes through the same entry point a user types (`ccwh run`), in a subprocess with
its own landing folder, warehouse file and site folder under pytest's temporary directory,
so the tests read the marts exactly as a BI tool would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"

# Small but complete: two weeks crossing the autumn clock change (25 Oct), three queues.
E2E_DAYS = 14
E2E_AGENTS = 24
E2E_START = "2026-10-19"


@dataclass(frozen=True)
class PipelineRun:
    landing_dir: Path
    warehouse_path: Path
    site_dir: Path
    stdout: str

    def connect(self):
        import duckdb

        return duckdb.connect(str(self.warehouse_path), read_only=True)


def write_landing_file(landing: Path, rel: str, content: str | bytes) -> Path:
    """Write a file into a landing folder as a source system would (bytes kept as given)."""
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """An empty landing folder."""
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def con(tmp_path: Path):
    """A connection to a new warehouse file with the raw schemas created."""
    from orchestration.ingest import connect

    connection = connect(tmp_path / "wh.duckdb")
    yield connection
    connection.close()


def ccwh(args: list[str], env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(env_overrides)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root = tmp_path_factory.mktemp("e2e")
    env = {
        "CCWH_LANDING": str(root / "landing"),
        "CCWH_WAREHOUSE": str(root / "warehouse" / "ccwh.duckdb"),
        "CCWH_SITE_DIR": str(root / "site"),
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
    proc = ccwh(
        [
            "run",
            "--days",
            str(E2E_DAYS),
            "--agents",
            str(E2E_AGENTS),
            "--start",
            E2E_START,
            "--quiet",
        ],
        env,
    )
    if proc.returncode != 0:
        pytest.fail(f"ccwh run failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
    return PipelineRun(
        landing_dir=root / "landing",
        warehouse_path=root / "warehouse" / "ccwh.duckdb",
        site_dir=root / "site",
        stdout=proc.stdout,
    )
