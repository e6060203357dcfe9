"""Paths and settings, from the environment with defaults that work locally.

Every path is relative to the project folder unless the environment gives an absolute one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def duckdb_memory_limit() -> str:
    """DuckDB's memory limit for the project's heavy connections (CCWH_DUCKDB_MEMORY_LIMIT,
    3GB, the same as the dbt profile's): DuckDB's own default is 80 % of the machine's memory,
    and the pipeline's target is 4 GiB in all (bench/RESULTS.md)."""
    return os.environ.get("CCWH_DUCKDB_MEMORY_LIMIT", "3GB")


def _path(env: str, default: str) -> Path:
    value = Path(os.environ.get(env, default))
    return value if value.is_absolute() else PROJECT_DIR / value


@dataclass(frozen=True)
class Settings:
    """Where things live. Built from the environment by `settings()`."""

    landing_dir: Path
    warehouse_path: Path
    site_dir: Path
    reports_dir: Path
    dbt_project_dir: Path
    # the code page of text lines that are not valid UTF-8 in Asterisk and roster files
    # (CCWH_LEGACY_ENCODING; mapped files declare theirs in the mapping)
    legacy_encoding: str = "latin-1"
    # the time zone of timestamps without an offset in business extracts (CCWH_SITE_TIME_ZONE)
    site_time_zone: str = "Europe/Madrid"
    # how many sources `ccwh ingest` loads at once (CCWH_INGEST_WORKERS; D215)
    ingest_workers: int = 2

    @property
    def warehouse_dir(self) -> Path:
        return self.warehouse_path.parent

    @property
    def publish_dir(self) -> Path:
        """Where `ccwh publish` writes the BI outputs: CCWH_PUBLISH_DIR, else
        `<warehouse folder>/publish` (so a warehouse elsewhere publishes beside itself)."""
        if os.environ.get("CCWH_PUBLISH_DIR"):
            return _path("CCWH_PUBLISH_DIR", "")
        return self.warehouse_dir / "publish"


def settings() -> Settings:
    return Settings(
        landing_dir=_path("CCWH_LANDING", "landing"),
        warehouse_path=_path("CCWH_WAREHOUSE", "warehouse/ccwh.duckdb"),
        site_dir=_path("CCWH_SITE_DIR", "reports/dist"),
        reports_dir=PROJECT_DIR / "reports",
        dbt_project_dir=PROJECT_DIR,
        legacy_encoding=os.environ.get("CCWH_LEGACY_ENCODING", "").strip() or "latin-1",
        site_time_zone=os.environ.get("CCWH_SITE_TIME_ZONE", "").strip() or "Europe/Madrid",
        ingest_workers=_positive_int("CCWH_INGEST_WORKERS", 2),
    )


def _positive_int(env: str, default: int) -> int:
    text = os.environ.get(env, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{env}={text!r}: expected a whole number of at least 1")
    return int(text)


def dbt_profile_env(warehouse_path: Path | None = None) -> dict[str, str]:
    """The variables profiles.yml reads for paths, resolved to absolute paths.

    dbt re-parses the whole project when the profile differs from the one of its last parse
    ("Unable to do partial parsing because profile has changed": about 8 s of CPU more per
    invocation, three invocations per `ccwh run`), so every way of running dbt (run_dbt,
    Dagster's dbt resource) passes the same values.
    """
    return {
        "CCWH_WAREHOUSE": str(warehouse_path or settings().warehouse_path),
        "CCWH_SPARK_DIR": str(_path("CCWH_SPARK_DIR", "warehouse/spark")),
    }


def quiet_tools_env() -> None:
    """Telemetry off for every tool the pipeline runs (no network but the registries)."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("OBSERVABLE_TELEMETRY_DISABLE", "true")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
