"""Running dbt from Python (CLI, tests, benchmarks) with the project's settings.

Dagster runs dbt through dagster-dbt (see `orchestration/assets/dbt.py`); everything else
goes through `run_dbt`, so the environment (warehouse path, telemetry off, profiles folder)
is set in one place.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from orchestration.config import PROJECT_DIR, dbt_profile_env


class DbtError(RuntimeError):
    """dbt exited non-zero; the message carries the tail of its output."""


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_env(warehouse_path: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # the same profile values as Dagster's dbt resource, so that dbt parses partially
    # (orchestration.config.dbt_profile_env); the `spark` target pins its metastore and
    # tables under CCWH_SPARK_DIR
    env.update(dbt_profile_env(warehouse_path))
    env.update(
        {
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    env.update(extra or {})
    return env


def run_dbt(
    args: Sequence[str],
    *,
    warehouse_path: Path,
    target_path: Path | None = None,
    dbt_vars: Mapping[str, object] | None = None,
    check: bool = True,
    quiet: bool = False,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` in the project folder against the DuckDB file `warehouse_path`.

    `target_path` keeps concurrent invocations (tests, helpers) from sharing `target/`;
    `env` adds settings, e.g. another engine's (`orchestration.engines`: CCWH_DBT_TARGET...).
    """
    cmd = [dbt_executable(), *args, "--project-dir", str(PROJECT_DIR)]
    if target_path is not None:
        cmd += ["--target-path", str(target_path)]
    if dbt_vars:
        cmd += ["--vars", json.dumps(dict(dbt_vars))]
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        cmd,
        cwd=PROJECT_DIR,
        env=dbt_env(warehouse_path, env),
        capture_output=True,
        text=True,
    )
    if not quiet:
        sys.stdout.write(proc.stdout)
    if check and proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-60:])
        raise DbtError(
            f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{tail}\n{proc.stderr}"
        )
    return proc
