"""The house style (STYLE.md): ruff's lint rules and formatter hold for the whole tree.

ruff is pinned to one minor version in pyproject.toml: its formatter changes between minor
versions, so an unpinned ruff would fail this test on a tree nobody changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from orchestration.config import PROJECT_DIR

RUFF = Path(sys.executable).parent / "ruff"


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RUFF), *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )


def test_ruff_lint_passes() -> None:
    proc = _ruff("check", ".")
    assert proc.returncode == 0, f"`ruff check .` found problems:\n{proc.stdout}{proc.stderr}"


def test_ruff_format_is_applied() -> None:
    proc = _ruff("format", "--check", ".")
    assert proc.returncode == 0, (
        f"files not formatted (run `.venv/bin/ruff format .`):\n{proc.stdout}{proc.stderr}"
    )
