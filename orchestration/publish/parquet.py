"""Parquet files of the marts, with a manifest, for BI tools and notebooks that read Parquet.

Layout of one build (`<publish>/parquet` is a symbolic link to the current build's folder):

    parquet/manifest.json
    parquet/marts/dim_queues.parquet                         one file per table...
    parquet/marts/fct_contacts/month=2026-10/data_0.parquet  ...facts: hive-style, by month

Each build is written to its own folder `parquet-builds/<build_id>/`; when it is complete,
the link `parquet` is replaced (`os.replace` of a new link: atomic), so a reader that follows
the link sees one whole build. The previous build is kept (a reader may be in the middle of
it); older ones are deleted.

`manifest.json`: the build (id, time, git commit), and per table its columns and types
(DuckDB's), row count, partitioning, and files with their rows, bytes and sha256.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from orchestration.publish.build import (
    BuildInfo,
    MartTable,
    PublishError,
    mart_tables,
    open_warehouse,
)

LINK_NAME = "parquet"
BUILDS_DIR = "parquet-builds"
MANIFEST = "manifest.json"
KEEP_BUILDS = 2
PARTITION_KEY = "month"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_table(con: duckdb.DuckDBPyConnection, table: MartTable, build_dir: Path) -> dict:
    schema_dir = build_dir / table.schema
    schema_dir.mkdir(parents=True, exist_ok=True)
    partition = table.partition_column
    if partition:
        target = schema_dir / table.name
        con.execute(
            f"""
            copy (
                select *, coalesce(strftime({partition}, '%Y-%m'), 'unknown') as {PARTITION_KEY}
                from {table.qualified}
            ) to '{target}' (format parquet, partition_by ({PARTITION_KEY}))
            """
        )
        files = sorted(target.rglob("*.parquet"))
    else:
        target = schema_dir / f"{table.name}.parquet"
        con.execute(f"copy {table.qualified} to '{target}' (format parquet)")
        files = [target]
    entries = []
    for path in files:
        rows = con.execute(
            "select coalesce(sum(num_rows), 0) from parquet_file_metadata(?)", [str(path)]
        ).fetchone()[0]
        entries.append(
            {
                "path": path.relative_to(build_dir).as_posix(),
                "rows": int(rows),
                "bytes": path.stat().st_size,
                "sha256": _sha256(path),
            }
        )
    written = sum(e["rows"] for e in entries)
    if written != table.rows:
        raise PublishError(
            f"publish: {table.qualified} has {table.rows} rows but its Parquet files hold {written}"
        )
    return {
        "table": table.qualified,
        "description": table.description,
        "columns": [
            {
                "name": c.name,
                "type": c.type,
                "description": table.column_descriptions.get(c.name, ""),
            }
            for c in table.columns
        ],
        "rows": table.rows,
        "partitioning": (
            {
                "style": "hive",
                "key": PARTITION_KEY,
                "from_column": partition,
                "format": "YYYY-MM",
            }
            if partition
            else None
        ),
        "path": target.relative_to(build_dir).as_posix(),
        "files": entries,
    }


def write_parquet(warehouse_path: Path, publish_dir: Path, build: BuildInfo) -> dict:
    """Write the marts as Parquet into a new build folder and point `parquet` at it.

    Returns the manifest (also written as `manifest.json` in the build folder).
    """
    publish_dir = Path(publish_dir)
    builds = publish_dir / BUILDS_DIR
    build_dir = builds / build.build_id
    tmp_dir = builds / f".{build.build_id}.tmp"
    if tmp_dir.exists():
        shutil.rmtree(tmp_dir)
    tmp_dir.mkdir(parents=True)
    con = open_warehouse(warehouse_path)
    try:
        tables = mart_tables(con)
        manifest = {
            "format": "ccwh-parquet-manifest/1",
            "build": build.as_json(),
            "tables": [_copy_table(con, table, tmp_dir) for table in tables],
        }
        (tmp_dir / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
        os.replace(tmp_dir, build_dir)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    finally:
        con.close()
    _point_link(publish_dir, build_dir)
    _prune(builds, keep=build_dir)
    return manifest


def _point_link(publish_dir: Path, build_dir: Path) -> None:
    link = publish_dir / LINK_NAME
    if link.exists() and not link.is_symlink():
        # a folder where the link goes (copied there by hand): replaced once, not atomically
        shutil.rmtree(link)
    new_link = publish_dir / f".{LINK_NAME}.{os.getpid()}.link"
    with contextlib.suppress(FileNotFoundError):
        new_link.unlink()
    os.symlink(build_dir.relative_to(publish_dir), new_link, target_is_directory=True)
    os.replace(new_link, link)


def _prune(builds: Path, keep: Path) -> None:
    """Keep the newest KEEP_BUILDS builds (the current one and the one before it)."""
    done = sorted(
        (p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )
    for old in done[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def read_manifest(publish_dir: Path) -> dict:
    """The manifest of the current Parquet build under `publish_dir`."""
    path = Path(publish_dir) / LINK_NAME / MANIFEST
    if not path.is_file():
        raise PublishError(f"no Parquet build at {path.parent}: run `ccwh publish` first")
    return json.loads(path.read_text())


def table_files(publish_dir: Path, entry: dict) -> list[Path]:
    """The Parquet files of one manifest entry, as absolute paths into the build folder."""
    root = (Path(publish_dir) / LINK_NAME).resolve()
    return [root / f["path"] for f in entry["files"]]
