"""Parquet files of the marts, with a manifest, for BI tools and notebooks that read Parquet.

Layout of one build (`<publish>/parquet` is a symbolic link to the current build's folder):

    parquet/manifest.json
    parquet/marts/dim_queues.parquet                         one file per table...
    parquet/marts/fct_contacts/month=2026-10/data_0.parquet  ...facts: hive-style, by month

Each build is written to its own folder `parquet-builds/<build_id>/`; when it is complete,
the link `parquet` is replaced (`os.replace` of a new link: atomic), so a reader that follows
the link sees one whole build. The previous build is kept (a reader may be in the middle of
it); older ones are deleted.

A build writes only what changed since the previous one (DECISIONS.md D213): per table and
month partition it takes a fingerprint of the rows (their count and the sum of a hash of
each whole row), and a table or partition whose columns and fingerprint are those of the
previous build is hard-linked from it (the files are never modified once written) instead of
written again. A daily run then writes the current month of each fact and the tables that
changed. `ccwh publish --full-refresh` writes every file.

`manifest.json`: the build (id, time, git commit), and per table its columns and types
(DuckDB's), row count, partitioning, the fingerprints, and files with their rows, bytes and
sha256.
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


def _month(partition: str) -> str:
    """The partition key of a fact's row: the month of its date column, as YYYY-MM."""
    return f"coalesce(strftime({partition}, '%Y-%m'), 'unknown')"


def _fingerprints(con: duckdb.DuckDBPyConnection, table: MartTable) -> dict[str, str]:
    """Per partition (the month; "" for a table in one file): `<rows>:<sum of row hashes>`.

    DuckDB's `hash` of the whole row, summed: equal for the same rows in any order, different
    (but for a 64-bit collision) when any value of any row changed, appeared or went.
    """
    partition = table.partition_column
    if not partition:
        n, h = con.execute(
            f"select count(*), coalesce(sum(hash(ccwh_row)), 0) from {table.qualified} ccwh_row"
        ).fetchone()
        return {"": f"{n}:{h}"}
    rows = con.execute(
        f"""
        select {_month(partition)}, count(*), sum(hash(ccwh_row))
        from {table.qualified} ccwh_row
        group by 1
        """
    ).fetchall()
    return {part: f"{n}:{h}" for part, n, h in rows}


def _file_entry(con: duckdb.DuckDBPyConnection, path: Path, build_dir: Path) -> dict:
    rows = con.execute(
        "select coalesce(sum(num_rows), 0) from parquet_file_metadata(?)", [str(path)]
    ).fetchone()[0]
    return {
        "path": path.relative_to(build_dir).as_posix(),
        "rows": int(rows),
        "bytes": path.stat().st_size,
        "sha256": _sha256(path),
    }


def _link(source: Path, target: Path) -> None:
    """`target` as a hard link to `source` (a copy where the file system has no links)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _unchanged(
    table: MartTable,
    fingerprints: dict[str, str],
    previous: dict | None,
    previous_root: Path | None,
) -> dict[str, list[dict]]:
    """Partition -> the previous build's file entries, for the partitions of `table` that can
    be linked from the previous build: same columns and types, same partitioning, files
    present, same fingerprint."""
    if not previous or previous_root is None or "fingerprints" not in previous:
        return {}
    columns = [{"name": c.name, "type": c.type} for c in table.columns]
    if [{"name": c["name"], "type": c["type"]} for c in previous["columns"]] != columns:
        return {}
    if bool(previous.get("partitioning")) != bool(table.partition_column) or (
        table.partition_column
        and previous["partitioning"].get("from_column") != table.partition_column
    ):
        return {}
    by_part: dict[str, list[dict]] = {}
    for entry in previous["files"]:
        part = ""
        if table.partition_column:
            folder = Path(entry["path"]).parent.name
            part = folder.split("=", 1)[1] if folder.startswith(f"{PARTITION_KEY}=") else None
        if part is None or not (previous_root / entry["path"]).is_file():
            return {}
        by_part.setdefault(part, []).append(entry)
    return {
        part: entries
        for part, entries in by_part.items()
        if part in fingerprints and previous["fingerprints"].get(part) == fingerprints[part]
    }


def _copy_table(
    con: duckdb.DuckDBPyConnection,
    table: MartTable,
    build_dir: Path,
    previous: dict | None = None,
    previous_root: Path | None = None,
) -> dict:
    """Write one table's files into `build_dir` (linking those unchanged since `previous`,
    the table's entry in the previous build's manifest, whose folder is `previous_root`);
    returns the table's manifest entry."""
    schema_dir = build_dir / table.schema
    schema_dir.mkdir(parents=True, exist_ok=True)
    partition = table.partition_column
    fingerprints = _fingerprints(con, table)
    unchanged = _unchanged(table, fingerprints, previous, previous_root)
    entries: list[dict] = []
    for part in sorted(unchanged):
        for entry in unchanged[part]:
            _link(previous_root / entry["path"], build_dir / entry["path"])  # type: ignore[operator]
            entries.append(dict(entry))
    linked = len(entries)
    changed = sorted(set(fingerprints) - set(unchanged))
    if partition:
        target = schema_dir / table.name
        month = _month(partition)
        if changed:
            # written beside the table's folder, then moved in: the linked months are there
            staging = schema_dir / f".{table.name}.new"
            shutil.rmtree(staging, ignore_errors=True)
            where = (
                ""
                if not unchanged
                else "where " + month + " in (" + ", ".join(f"'{m}'" for m in changed) + ")"
            )
            con.execute(
                f"""
                copy (
                    select *, {month} as {PARTITION_KEY}
                    from {table.qualified}
                    {where}
                ) to '{staging}' (format parquet, partition_by ({PARTITION_KEY}))
                """
            )
            target.mkdir(parents=True, exist_ok=True)
            for folder in sorted(staging.iterdir()):
                os.replace(folder, target / folder.name)
            staging.rmdir()
            for part in changed:
                for path in sorted((target / f"{PARTITION_KEY}={part}").glob("*.parquet")):
                    entries.append(_file_entry(con, path, build_dir))
        entries.sort(key=lambda e: e["path"])
    else:
        target = schema_dir / f"{table.name}.parquet"
        if changed:
            con.execute(f"copy {table.qualified} to '{target}' (format parquet)")
            entries = [_file_entry(con, target, build_dir)]
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
        "fingerprints": fingerprints,
        "files_linked": linked,
        "files": entries,
    }


def _previous_build(publish_dir: Path) -> tuple[dict, Path] | tuple[None, None]:
    """The current build's manifest and folder, if there is a readable one."""
    link = Path(publish_dir) / LINK_NAME
    try:
        root = link.resolve(strict=True)
        return json.loads((root / MANIFEST).read_text()), root
    except (OSError, ValueError):
        return None, None


def write_parquet(
    warehouse_path: Path, publish_dir: Path, build: BuildInfo, *, full_refresh: bool = False
) -> dict:
    """Write the marts as Parquet into a new build folder and point `parquet` at it; files
    unchanged since the current build are linked from it unless `full_refresh`.

    Returns the manifest (also written as `manifest.json` in the build folder).
    """
    publish_dir = Path(publish_dir)
    builds = publish_dir / BUILDS_DIR
    build_dir = builds / build.build_id
    tmp_dir = builds / f".{build.build_id}.tmp"
    if tmp_dir.exists():
        shutil.rmtree(tmp_dir)
    tmp_dir.mkdir(parents=True)
    previous, previous_root = (None, None) if full_refresh else _previous_build(publish_dir)
    before = {t["table"]: t for t in (previous or {}).get("tables", [])}
    con = open_warehouse(warehouse_path)
    try:
        tables = mart_tables(con)
        manifest = {
            "format": "ccwh-parquet-manifest/1",
            "build": build.as_json(),
            "tables": [
                _copy_table(con, table, tmp_dir, before.get(table.qualified), previous_root)
                for table in tables
            ],
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
