"""`ccwh`: the command line of the contact-center warehouse.

ccwh simulate --days 28 --agents 40 --queues sales,support,billing --seed 42 --out landing/
ccwh ingest                    load new landing files into the raw tables
ccwh ingest --accept FILE      ... loading FILE even if it breaks its contract
ccwh run                       simulate (if landing/ is empty), ingest, dbt build, site
ccwh run --full-refresh        ... rebuilding the incremental models from scratch
ccwh site build | serve        build the report site / serve it on 127.0.0.1
ccwh catalog docs              regenerate the KPI doc blocks from seeds/kpi_catalog.csv
ccwh publish [--postgres]      BI outputs: DuckDB snapshot, Parquet (+ PostgreSQL)
ccwh publish --full-refresh    ... writing every Parquet file, none linked from the last build
ccwh docs                      dbt docs (static) into the report site's _dbt-docs/
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

from orchestration.config import PROJECT_DIR, quiet_tools_env, settings

DEFAULT_QUEUES = "sales,support,billing"


def _prepare_dagster_home() -> Path:
    """A project-local DAGSTER_HOME with telemetry off, unless the caller set one."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_DIR / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return home


def _landing_has_files(landing: Path) -> bool:
    return landing.exists() and any(p.is_file() for p in landing.rglob("*"))


def cmd_simulate(args: argparse.Namespace) -> int:
    from orchestration.simulator import simulate

    out = Path(args.out) if args.out else settings().landing_dir
    summary = simulate(
        out,
        days=args.days,
        agents=args.agents,
        queues=[q.strip() for q in args.queues.split(",") if q.strip()],
        seed=args.seed,
        start=date.fromisoformat(args.start),
        progress=not args.quiet,
        jobs=args.jobs,
    )
    print(
        f"simulated {summary.calls:,} queue calls, {summary.lost_before_queue:,} lost before "
        f"queue, {summary.events:,} queue_log events, {summary.cdr_rows:,} CDR rows "
        f"in {summary.seconds:.1f} s → {out}"
    )
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from orchestration.ingest import ingest_landing

    cfg = settings()
    results = ingest_landing(cfg.warehouse_path, cfg.landing_dir, accept=args.accept or ())
    for r in results:
        print(
            f"{r.status:9} {r.file_name}: {r.rows_loaded} loaded, "
            f"{r.rows_quarantined} quarantined {r.message or ''}".rstrip()
        )
    return 1 if any(r.status in ("failed", "rejected") for r in results) else 0


def main_run_config(log_level: str, *, full_refresh: bool = False) -> dict:
    """Run config of the `main` job: console log level; dbt --full-refresh and a publish
    that writes every file when asked."""
    config: dict = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    if full_refresh:
        config["ops"] = {
            "dbt_models": {"config": {"full_refresh": True}},
            "bi_exports": {"config": {"full_refresh": True}},
        }
    return config


def cmd_run(args: argparse.Namespace) -> int:
    cfg = settings()
    started = time.perf_counter()
    if args.simulate or not _landing_has_files(cfg.landing_dir):
        cmd_simulate(
            argparse.Namespace(
                out=str(cfg.landing_dir),
                days=args.days,
                agents=args.agents,
                queues=DEFAULT_QUEUES,
                seed=args.seed,
                start=args.start,
                quiet=args.quiet,
                jobs=args.jobs,
            )
        )
    _prepare_dagster_home()
    import dagster as dg

    from orchestration.definitions import defs

    cfg.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("main").execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=main_run_config(args.log_level, full_refresh=args.full_refresh),
        )
    failed_checks = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and not e.asset_check_evaluation_data.passed
    ]
    elapsed = time.perf_counter() - started
    if not result.success:
        print(f"pipeline FAILED after {elapsed:.0f} s; see the log above.", file=sys.stderr)
        return 1
    print()
    print(f"pipeline finished in {elapsed:.0f} s")
    print(f"  landing files:  {cfg.landing_dir}")
    print(f"  warehouse:      {cfg.warehouse_path}   (schemas raw_*, staging, marts)")
    print(f"  report site:    {cfg.site_dir}   (make site → http://127.0.0.1:3001/)")
    print(
        f"    English:      {cfg.site_dir / 'en' / 'index.html'}   (http://127.0.0.1:3001/en/index.html)"
    )
    print(
        f"    Español:      {cfg.site_dir / 'es' / 'index.html'}   (http://127.0.0.1:3001/es/index.html)"
    )
    print(f"  dbt docs:       {cfg.site_dir / '_dbt-docs' / 'index.html'}")
    print(f"  BI snapshot:    {cfg.publish_dir / 'ccwh_marts.duckdb'}   (DuckDB, read-only)")
    print(f"  BI Parquet:     {cfg.publish_dir / 'parquet'}/   (manifest.json)")
    print("  BI PostgreSQL:  make serve-bi")
    if failed_checks:
        print(f"  {len(failed_checks)} non-blocking checks failed: see `make serve`")
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    from orchestration.site import build_site, serve_site

    cfg = settings()
    if args.action == "build" or not (cfg.site_dir / "index.html").exists():
        build = build_site(cfg.warehouse_path, cfg.site_dir)
        print(
            f"site built in {build.seconds:.1f} s, {len(build.pages)} pages, "
            f"{build.size_mb:.1f} MB → {build.out_dir} (en/index.html, es/index.html)"
        )
    if args.action == "serve":
        serve_site(cfg.site_dir, host="127.0.0.1", port=args.port)
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    from orchestration.catalog import write_doc_blocks
    from orchestration.semantic import write_metrics, write_semantic_models

    for path in (write_doc_blocks(), write_metrics(), write_semantic_models()):
        print(f"wrote {path}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from orchestration.publish import PublishError, publish

    cfg = settings()
    try:
        result = publish(
            cfg.warehouse_path,
            cfg.publish_dir,
            postgres=args.postgres,
            postgres_dir=cfg.warehouse_dir / "postgres",
            full_refresh=args.full_refresh,
        )
    except PublishError as error:
        print(str(error), file=sys.stderr)
        return 1
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    print(f"published build {result.build.build_id} ({timing})")
    for line in result.summary_lines():
        print(line)
    if result.postgres is not None:
        db = result.postgres
        print(f"  connection:     {db.url}")
        print(
            f"                  psql: PGPASSWORD=... psql -h {db.host} -p {db.port} "
            f"-U {db.role} {db.database}   (password: CCWH_BI_PASSWORD or "
            "warehouse/postgres/bi_password; stop: make postgres-stop)"
        )
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from orchestration.publish.dbt_docs import publish_dbt_docs

    cfg = settings()
    docs = publish_dbt_docs(cfg.warehouse_path, cfg.site_dir)
    print(f"dbt docs ({docs.size_bytes / 1e6:.1f} MB) in {docs.seconds:.1f} s → {docs.index}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ccwh", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def sim_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--days", type=int, default=28, help="days to simulate (default 28)")
        p.add_argument("--agents", type=int, default=40, help="agents (default 40)")
        p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        p.add_argument("--start", default="2026-10-05", help="first day, YYYY-MM-DD")
        p.add_argument("--quiet", action="store_true", help="no progress bar")
        p.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="processes for the simulation (default: one per core; the files are the same)",
        )

    p = sub.add_parser("simulate", help="write a simulated center into a landing folder")
    sim_options(p)
    p.add_argument("--queues", default=DEFAULT_QUEUES, help="comma-separated queue names")
    p.add_argument("--out", default=None, help="landing folder (default: CCWH_LANDING or landing/)")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("ingest", help="load new landing files into the raw tables")
    p.add_argument(
        "--accept",
        action="append",
        metavar="FILE",
        help="load this file (path relative to the landing folder) even if it breaks its "
        "contract, e.g. a holiday's low volume; repeatable",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("run", help="the whole pipeline: (simulate), ingest, dbt build, site")
    sim_options(p)
    p.add_argument("--simulate", action="store_true", help="simulate even if landing/ has files")
    p.add_argument("--log-level", default="WARNING", help="Dagster console log level")
    p.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental dbt models from scratch instead of adding the files "
        "loaded since the last build (after changing a model, a seed or the queue config)",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("site", help="build or serve the report site")
    p.add_argument("action", choices=["build", "serve"])
    p.add_argument("--port", type=int, default=3001)
    p.set_defaults(func=cmd_site)

    p = sub.add_parser("publish", help="publish the marts for BI tools (snapshot, Parquet)")
    p.add_argument(
        "--postgres",
        action="store_true",
        help="also start the project's PostgreSQL and load the marts into database ccwh_bi "
        "with a read-only role (make serve-bi)",
    )
    p.add_argument(
        "--full-refresh",
        action="store_true",
        help="write every Parquet file, instead of linking those whose rows did not change "
        "from the previous build",
    )
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("docs", help="generate the dbt docs into the report site (_dbt-docs/)")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("catalog", help="KPI catalog tools")
    p.add_argument(
        "action",
        choices=["docs"],
        help="docs: write the KPI doc blocks and the semantic-layer metrics and models",
    )
    p.set_defaults(func=cmd_catalog)
    return parser


def main(argv: list[str] | None = None) -> int:
    quiet_tools_env()
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
