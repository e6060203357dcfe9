"""Command line of orchestration.engines (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from orchestration.config import PROJECT_DIR, settings
from orchestration.engines import export, spark
from orchestration.engines.postgres import DEFAULT_DIR as PG_DIR
from orchestration.engines.postgres import PostgresServer

EXPORT_DIR = PROJECT_DIR / "warehouse" / "raw_export"


def cmd_postgres(args: argparse.Namespace) -> int:
    server = PostgresServer(Path(args.dir))
    if args.action == "start":
        server.start()
        print(
            f"PostgreSQL running on 127.0.0.1:{server.port}, database {server.database} "
            f"(cluster {server.data_dir}); dbt: CCWH_DBT_TARGET=postgres "
            f"CCWH_PG_PORT={server.port}"
        )
    elif args.action == "stop":
        server.stop()
        print("PostgreSQL stopped")
    else:
        state = f"running on 127.0.0.1:{server.port}" if server.running() else "not running"
        print(f"PostgreSQL ({server.data_dir}): {state}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    warehouse = Path(args.warehouse) if args.warehouse else settings().warehouse_path
    work_dir = Path(args.out)
    if args.engine == "postgres":
        server = PostgresServer(Path(args.pg_dir)).start()
        loaded = export.export_raw_to_postgres(warehouse, server, work_dir)
        where = f"PostgreSQL 127.0.0.1:{server.port}/{server.database}"
    else:
        root = Path(args.spark_dir) if args.spark_dir else spark.spark_dir()
        loaded = export.export_raw_to_spark(warehouse, root, work_dir)
        where = f"Spark metastore in {root}"
    for table, rows in loaded.items():
        print(f"{table}: {rows:,} rows")
    print(f"raw layer copied to {where} in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_spark_load(args: argparse.Namespace) -> int:
    """Child process of export_raw_to_spark: the Parquet of `dir` → metastore tables."""
    exports = export.read_manifest(Path(args.dir))
    session = spark.session(Path(args.spark_dir) if args.spark_dir else None)
    try:
        loaded = export.load_spark(exports, session)
    finally:
        session.stop()
    print(json.dumps(loaded))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.engines")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("postgres", help="start, stop or show the project's PostgreSQL server")
    p.add_argument("action", choices=["start", "stop", "status"])
    p.add_argument("--dir", default=str(PG_DIR), help="cluster folder (warehouse/postgres)")
    p.set_defaults(func=cmd_postgres)

    p = sub.add_parser("export", help="copy the DuckDB raw layer to PostgreSQL or Spark")
    p.add_argument("engine", choices=["postgres", "spark"])
    p.add_argument("--warehouse", default=None, help="DuckDB file (default: CCWH_WAREHOUSE)")
    p.add_argument("--out", default=str(EXPORT_DIR), help="folder for the Parquet files")
    p.add_argument("--pg-dir", default=str(PG_DIR), help="PostgreSQL cluster folder")
    p.add_argument("--spark-dir", default=None, help="Spark folder (default: CCWH_SPARK_DIR)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("spark-load", help=argparse.SUPPRESS)
    p.add_argument("dir")
    p.add_argument("--spark-dir", default=None)
    p.set_defaults(func=cmd_spark_load)

    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
