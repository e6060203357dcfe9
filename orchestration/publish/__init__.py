"""Publishing the marts for BI tools (`ccwh publish`, Dagster asset `bi_exports`).

    ccwh publish                 DuckDB snapshot + Parquet files with a manifest
    ccwh publish --full-refresh  ... writing every Parquet file (not linking unchanged ones)
    ccwh publish --postgres      ... and load them into the project's PostgreSQL (make serve-bi)

Outputs, under CCWH_PUBLISH_DIR (default `<warehouse folder>/publish`, i.e. warehouse/publish):

- `ccwh_marts.duckdb`: a read-only DuckDB snapshot of the `marts` schema, swapped in atomically
  (orchestration/publish/snapshot.py);
- `parquet/`: one Parquet file per mart, facts partitioned by month, and `manifest.json`
  (orchestration/publish/parquet.py);
- PostgreSQL database `ccwh_bi` with a read-only role (orchestration/publish/postgres_bi.py).

The pipeline's warehouse file is only read, once per output, and never by a BI tool.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.publish.build import BuildInfo, PublishError, build_info
from orchestration.publish.parquet import LINK_NAME, MANIFEST, write_parquet
from orchestration.publish.snapshot import SNAPSHOT_NAME, write_snapshot

__all__ = ["PublishError", "PublishResult", "publish"]


@dataclass
class PublishResult:
    build: BuildInfo
    snapshot: Path
    parquet_dir: Path
    tables: dict[str, int]  # schema.table -> rows
    parquet_files: int
    parquet_bytes: int
    parquet_files_linked: int
    snapshot_bytes: int
    seconds: dict[str, float] = field(default_factory=dict)
    postgres: object | None = None  # postgres_bi.BiDatabase when loaded

    @property
    def manifest(self) -> Path:
        return self.parquet_dir / MANIFEST

    def summary_lines(self) -> list[str]:
        lines = [
            f"  BI snapshot:    {self.snapshot}   (DuckDB, read-only; "
            f"{len(self.tables)} tables, {sum(self.tables.values()):,} rows)",
            f"  BI Parquet:     {self.parquet_dir}/   ({self.parquet_files} files, "
            f"{self.parquet_bytes / 1e6:.1f} MB, {self.parquet_files_linked} of them unchanged "
            "and linked from the previous build; manifest.json)",
        ]
        if self.postgres is not None:
            lines.append(f"  BI PostgreSQL:  {self.postgres.masked_url}")
        return lines


def publish(
    warehouse_path: Path,
    publish_dir: Path,
    *,
    postgres: bool = False,
    postgres_dir: Path | None = None,
    full_refresh: bool = False,
) -> PublishResult:
    """Write the snapshot and the Parquet build (and load PostgreSQL when asked).

    The Parquet build links the files whose rows did not change from the previous build;
    `full_refresh` writes them all."""
    publish_dir = Path(publish_dir)
    publish_dir.mkdir(parents=True, exist_ok=True)
    build = build_info(warehouse_path)
    seconds: dict[str, float] = {}

    started = time.perf_counter()
    snapshot = publish_dir / SNAPSHOT_NAME
    tables = write_snapshot(warehouse_path, snapshot, build)
    seconds["snapshot"] = time.perf_counter() - started

    started = time.perf_counter()
    manifest = write_parquet(warehouse_path, publish_dir, build, full_refresh=full_refresh)
    seconds["parquet"] = time.perf_counter() - started

    files = [f for t in manifest["tables"] for f in t["files"]]
    result = PublishResult(
        build=build,
        snapshot=snapshot,
        parquet_dir=publish_dir / LINK_NAME,
        tables={t.qualified: t.rows for t in tables},
        parquet_files=len(files),
        parquet_bytes=sum(f["bytes"] for f in files),
        parquet_files_linked=sum(t["files_linked"] for t in manifest["tables"]),
        snapshot_bytes=snapshot.stat().st_size,
        seconds=seconds,
    )
    if postgres:
        from orchestration.publish.postgres_bi import publish_postgres

        started = time.perf_counter()
        result.postgres = publish_postgres(publish_dir, postgres_dir)
        seconds["postgres"] = time.perf_counter() - started
    return result
