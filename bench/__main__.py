"""`python -m bench [--sizes month40,year300] [--spark]`: benchmark the pipeline.

For each size: simulate the center plus one more day into bench/runs/<size>/sim (timed;
reused when a previous run simulated the same center), land every day but the last in
bench/runs/<size>/landing, then run and measure each stage as its own process:

- floor      DuckDB reading every landing file once (bench/floor.py): the physical floor
- ingest     `ccwh ingest`
- dbt        `dbt build` (models and tests)
- site       `ccwh site build`
- publish    `ccwh publish`, when the command exists ("not available" otherwise)

then land the last day's files and run ingest, dbt, site and publish again (the daily
run). With --spark: after the full build, copy the raw layer to a local Spark and `dbt build`
there (issue 8); after the daily run, copy it again and build incrementally on Spark.

Every stage's result is also kept in bench/runs/<size>/logs/<run>-<stage>.json. With
--reuse-ingest, a size whose earlier run ingested its landing folder starts at the full
build's dbt stage: the floor and the ingestion are the earlier run's (their records say
so), for re-measuring the build of a large center without its hour of simulation and
ingestion. --dbt-threads sets dbt's threads (the profile's 2 otherwise).
Results: bench/results.json (merged per size with earlier runs) and bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.measure import StageResult, run_stage
from bench.report import write_report
from orchestration.ingest.files import name_day

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / "runs"
RESULTS_JSON = BENCH_DIR / "results.json"
BIN = Path(sys.executable).parent

# name: (days, agents); every size also simulates one more day, landed as the daily run
SIZES: dict[str, tuple[int, int]] = {
    "month40": (30, 40),
    "month300": (30, 300),
    "quarter300": (91, 300),
    "year300": (365, 300),
}
DEFAULT_SIZES = ("month40", "month300", "year300")
START = date(2025, 10, 6)  # a Monday; the year spans both DST changes of Europe/Madrid
SEED = 42


def machine() -> dict[str, object]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    return {
        "cpu_model": cpu,
        "cores": affinity,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "commit": commit + ("+dirty" if dirty else ""),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": os.getloadavg()[0],
    }


def base_env(work: Path) -> dict[str, str]:
    return {
        "CCWH_LANDING": str(work / "landing"),
        "CCWH_WAREHOUSE": str(work / "warehouse" / "ccwh.duckdb"),
        "CCWH_SITE_DIR": str(work / "dist"),
        "CCWH_SPARK_DIR": str(work / "spark"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "OBSERVABLE_TELEMETRY_DISABLE": "true",
        "GX_ANALYTICS_ENABLED": "false",
        "DAGSTER_HOME": str(work / "dagster_home"),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


def simulate(name: str, work: Path, days: int, agents: int, fresh: bool) -> dict[str, object]:
    """Simulate days + 1 days into work/sim, or reuse an earlier identical simulation."""
    sim = work / "sim"
    marker = work / "simulate.json"
    params = {"days": days + 1, "agents": agents, "seed": SEED, "start": START.isoformat()}
    if not fresh and marker.exists():
        earlier = json.loads(marker.read_text())
        if earlier.get("params") == params and sim.exists():
            return {**earlier, "reused": True}
    shutil.rmtree(sim, ignore_errors=True)
    result = run_stage(
        "simulate",
        [
            str(BIN / "ccwh"),
            "simulate",
            "--days",
            str(days + 1),
            "--agents",
            str(agents),
            "--seed",
            str(SEED),
            "--start",
            START.isoformat(),
            "--out",
            str(sim),
            "--quiet",
        ],
        cwd=PROJECT_DIR,
        log_path=work / "simulate.log",
    )
    if not result.ok:
        raise SystemExit(f"bench {name}: simulate failed:\n{result.stdout_tail}")
    summary = (work / "simulate.log").read_text().strip().splitlines()[-1]
    summary = summary.replace(str(PROJECT_DIR) + "/", "")  # paths relative to the project
    record = {
        "params": params,
        "seconds": result.seconds,
        "peak_rss_bytes": result.peak_rss_bytes,
        "summary": summary,
        "reused": False,
    }
    marker.write_text(json.dumps(record, indent=2))
    return record


def land(work: Path, last_day: date, *, new_day: bool) -> list[Path]:
    """Hard-link the simulated files into work/landing: the days before `last_day`, or,
    with `new_day`, the files of `last_day` and later (the daily run's new files)."""
    sim, landing = work / "sim", work / "landing"
    linked = []
    for src in sorted(p for p in sim.rglob("*") if p.is_file()):
        day = name_day(src)
        wanted = (
            (day is not None and day >= last_day) if new_day else (day is None or day < last_day)
        )
        if not wanted:
            continue
        dest = landing / src.relative_to(sim)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            dest.unlink()
        os.link(src, dest)
        linked.append(dest)
    return linked


def landing_size(landing: Path, exclude: set[str] = frozenset()) -> dict[str, int]:
    """Every file the ingestion loads (the floor reads the Asterisk files only)."""
    files = [p for p in landing.rglob("*") if p.is_file() and p.name not in exclude]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def publish_available() -> bool:
    proc = subprocess.run(
        [str(BIN / "ccwh"), "publish", "--help"], cwd=PROJECT_DIR, capture_output=True
    )
    return proc.returncode == 0


def dbt_node_timings(target: Path, top: int = 15) -> list[dict[str, object]]:
    path = target / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text())["results"]
    nodes = sorted(results, key=lambda r: r.get("execution_time") or 0, reverse=True)
    return [
        {"node": r["unique_id"], "seconds": round(r.get("execution_time") or 0, 2)}
        for r in nodes[:top]
    ] + [{"node": "(all nodes)", "count": len(results)}]


def stage_record(work: Path, label: str, name: str) -> Path:
    return work / "logs" / f"{label}-{name}.json"


def save_stage(work: Path, label: str, r: StageResult) -> None:
    stage_record(work, label, r.name).write_text(json.dumps(asdict(r), indent=2) + "\n")


def load_stage(work: Path, label: str, name: str) -> StageResult:
    """A stage result an earlier run kept (`--reuse-ingest`), marked as reused."""
    path = stage_record(work, label, name)
    if not path.exists():
        raise SystemExit(f"bench: --reuse-ingest needs {path} from an earlier run of this size")
    r = StageResult(**json.loads(path.read_text()))
    r.extra["reused"] = r.extra.get("reused") or "measured by an earlier run of this size"
    return r


def pipeline_stages(
    work: Path,
    env: dict[str, str],
    label: str,
    *,
    full_refresh: bool,
    publish: bool,
    reuse_ingest: bool = False,
    dbt_threads: int | None = None,
) -> list[StageResult]:
    target = work / "target"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    stages: list[StageResult] = []

    def stage(name: str, command: list[str]) -> StageResult:
        print(f"  {label} {name} ...", end="", flush=True)
        r = run_stage(
            name, command, env=env, cwd=PROJECT_DIR, log_path=logs / f"{label}-{name}.log"
        )
        print(
            f" {r.seconds:.1f} s, peak {r.peak_rss_bytes / 2**20:.0f} MiB"
            + ("" if r.ok else f"  FAILED (exit {r.returncode})"),
            flush=True,
        )
        stages.append(r)
        save_stage(work, label, r)
        return r

    if reuse_ingest:
        stages.append(load_stage(work, label, "ingest"))
        print(f"  {label} ingest: reused ({stages[-1].seconds:.1f} s)", flush=True)
    else:
        stage("ingest", [str(BIN / "ccwh"), "ingest"])
    dbt = [
        str(BIN / "dbt"),
        "build",
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(target),
    ]
    if full_refresh:
        dbt.append("--full-refresh")
    if dbt_threads:
        dbt += ["--threads", str(dbt_threads)]
    r = stage("dbt", dbt)
    r.extra["slowest_nodes"] = dbt_node_timings(target)
    stage("site", [str(BIN / "ccwh"), "site", "build"])
    if publish:
        stage("publish", [str(BIN / "ccwh"), "publish"])
    return stages


def count_rows(warehouse: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    out = {}
    for table in (
        "raw_asterisk.queue_log",
        "raw_asterisk.cdr",
        "marts.fct_contacts",
        "marts.fct_agent_states",
        "marts.kpi_queue_interval",
    ):
        try:
            out[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
        except duckdb.Error:
            pass
    con.close()
    return out


def spark_stages(work: Path, env: dict[str, str], run: str = "full") -> list[StageResult]:
    """The raw layer to a local Spark (Parquet + metastore), then dbt build on Spark.

    run "full" starts from an empty Spark folder; run "daily" keeps the Spark tables of the
    full run: the export replaces the raw tables (the new day's files among them, with the
    ledger's `_loaded_at`) and dbt builds incrementally, as on DuckDB.
    """
    target = work / "target-spark"
    logs = work / "logs"
    prefix = "" if run == "full" else f"{run}-"
    if run == "full":
        shutil.rmtree(work / "spark", ignore_errors=True)
    out = []
    for name, command in (
        (
            f"{prefix}spark-export",
            [
                str(BIN / "python"),
                "-m",
                "orchestration.engines",
                "export",
                "spark",
                "--warehouse",
                env["CCWH_WAREHOUSE"],
                "--out",
                str(work / "raw_export"),
                "--spark-dir",
                str(work / "spark"),
            ],
        ),
        (
            f"{prefix}spark-dbt",
            [
                str(BIN / "dbt"),
                "build",
                "--project-dir",
                str(PROJECT_DIR),
                "--target-path",
                str(target),
            ],
        ),
    ):
        print(f"  spark {name} ...", end="", flush=True)
        r = run_stage(
            name,
            command,
            env={**env, "CCWH_DBT_TARGET": "spark"},
            cwd=PROJECT_DIR,
            log_path=logs / f"{name}.log",
        )
        print(f" {r.seconds:.1f} s" + ("" if r.ok else f" FAILED (exit {r.returncode})"))
        if name.endswith("spark-dbt"):
            r.extra["slowest_nodes"] = dbt_node_timings(target, top=25)
        out.append(r)
        if not r.ok:
            break
    return out


def as_json(r: StageResult, rows: int) -> dict[str, object]:
    d = asdict(r)
    d.pop("command")
    d["rows_per_second"] = round(rows / r.seconds) if r.seconds and rows else None
    if r.ok:
        d.pop("stdout_tail")
    return d


def run_spark_only(name: str, earlier: dict[str, object]) -> dict[str, object]:
    """The Spark stages on the warehouse an earlier run of this size left in bench/runs."""
    work = WORK_DIR / name
    if not (work / "warehouse" / "ccwh.duckdb").exists():
        raise SystemExit(f"bench {name}: no warehouse in {work}; run without --spark-only first")
    print(f"{name}: Spark build on the warehouse of the last run")
    results = spark_stages(work, base_env(work))
    rows = int(earlier["landing"]["rows"])  # type: ignore[index]
    return {
        **earlier,
        "spark": [as_json(r, rows) for r in results],
        "spark_daily": [],  # the warehouse already holds the daily day: no Spark daily run
        "spark_machine": machine(),
        "ok": bool(earlier.get("ok")) and all(r.ok for r in results),
    }


def keep_earlier_spark(run: dict[str, object], earlier: dict[str, object]) -> dict[str, object]:
    """A run without Spark keeps the Spark stages an earlier run of the size measured (hours
    of a year's build), with that run's machine and commit (`spark_machine`)."""
    if run.get("spark") or not earlier.get("spark"):
        return run
    return {
        **run,
        "spark": earlier["spark"],
        "spark_daily": earlier.get("spark_daily", []),
        "spark_machine": earlier.get("spark_machine", earlier.get("machine")),
    }


def run_size(
    name: str,
    fresh_sim: bool,
    spark: bool,
    publish: bool,
    *,
    reuse_ingest: bool = False,
    dbt_threads: int | None = None,
) -> dict[str, object]:
    days, agents = SIZES[name]
    work = WORK_DIR / name
    work.mkdir(parents=True, exist_ok=True)
    print(f"{name}: {days} days x {agents} agents (+1 day for the daily run)")
    sim = simulate(name, work, days, agents, fresh_sim and not reuse_ingest)
    print(
        f"  simulate: {sim['seconds']:.1f} s{' (reused)' if sim['reused'] else ''}: "
        f"{sim['summary']}"
    )
    new_day = START + timedelta(days=days)
    env = base_env(work)
    if reuse_ingest:
        # the landing folder (every day but the last) and the ingested warehouse stay
        for folder in ("dist", "target", "spark", "raw_export"):
            shutil.rmtree(work / folder, ignore_errors=True)
        if any(name_day(p) == new_day for p in (work / "landing").rglob("*") if p.is_file()):
            raise SystemExit(f"bench {name}: the landing already holds {new_day}; run in full")
        floor = load_stage(work, "full", "floor")
    else:
        for folder in ("landing", "warehouse", "dist", "target", "spark", "raw_export", "logs"):
            shutil.rmtree(work / folder, ignore_errors=True)
        land(work, new_day, new_day=False)
        floor = run_stage(
            "floor",
            [str(BIN / "python"), "-m", "bench.floor", str(work / "landing")],
            env=env,
            cwd=PROJECT_DIR,
            log_path=work / "floor.json",
        )
        (work / "logs").mkdir(parents=True, exist_ok=True)
        save_stage(work, "full", floor)
    floor_info = json.loads((work / "floor.json").read_text())
    rows = int(floor_info["rows"])
    print(
        f"  floor: {floor.seconds:.1f} s for {rows:,} landing rows "
        f"({floor_info['bytes'] / 1e6:.0f} MB)"
    )

    landing_all = landing_size(work / "landing")
    full = pipeline_stages(
        work,
        env,
        "full",
        full_refresh=True,
        publish=publish,
        reuse_ingest=reuse_ingest,
        dbt_threads=dbt_threads,
    )
    counts = count_rows(work / "warehouse" / "ccwh.duckdb")
    spark_results = spark_stages(work, env) if spark else []

    new_files = land(work, new_day, new_day=True)
    new_rows = sum(sum(1 for _ in open(p, "rb")) for p in new_files)
    daily = pipeline_stages(
        work, env, "daily", full_refresh=False, publish=publish, dbt_threads=dbt_threads
    )

    spark_daily = (
        spark_stages(work, env, "daily") if spark and all(r.ok for r in spark_results) else []
    )

    full_s = sum(r.seconds for r in full)
    core_s = sum(r.seconds for r in full if r.name in ("ingest", "dbt"))
    daily_s = sum(r.seconds for r in daily)
    full_cpu = sum(r.cpu_seconds for r in full)
    daily_cpu = sum(r.cpu_seconds for r in daily)
    return {
        "size": name,
        "machine": machine(),
        "dbt_threads": dbt_threads or "profile (2)",
        "reused_ingest": reuse_ingest,
        "days": days,
        "agents": agents,
        "simulate": sim,
        "landing": floor_info,
        "landing_all": landing_all,
        "table_rows": counts,
        "floor": as_json(floor, rows),
        "full": [as_json(r, rows) for r in full],
        "full_seconds": full_s,
        "full_cpu_seconds": full_cpu,
        "ingest_dbt_seconds": core_s,
        "full_over_floor": full_s / floor.seconds,
        "ingest_dbt_over_floor": core_s / floor.seconds,
        "peak_rss_bytes": max(r.peak_rss_bytes for r in full + daily),
        "daily_new_day": new_day.isoformat(),
        "daily_new_files": [p.name for p in new_files],
        "daily_new_rows": new_rows,
        "daily": [as_json(r, new_rows) for r in daily],
        "daily_seconds": daily_s,
        "daily_cpu_seconds": daily_cpu,
        "daily_over_full": daily_s / full_s,
        "daily_over_full_cpu": daily_cpu / full_cpu if full_cpu else None,
        "publish": "measured" if publish else "not available (no `ccwh publish` command)",
        "spark": [as_json(r, rows) for r in spark_results],
        "spark_daily": [as_json(r, new_rows) for r in spark_daily],
        "ok": all(r.ok for r in [floor, *full, *daily, *spark_results, *spark_daily]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(DEFAULT_SIZES),
        help=f"comma-separated, of {', '.join(SIZES)} (default: %(default)s)",
    )
    parser.add_argument(
        "--fresh-sim",
        action="store_true",
        help="simulate again even if bench/runs has the same center",
    )
    parser.add_argument(
        "--spark", action="store_true", help="also build on local Spark (needs `make setup-spark`)"
    )
    parser.add_argument(
        "--spark-only",
        action="store_true",
        help="only the Spark stages, on the warehouse of the last run of a size",
    )
    parser.add_argument(
        "--reuse-ingest",
        action="store_true",
        help="start at the full build's dbt stage on the warehouse an earlier run ingested",
    )
    parser.add_argument(
        "--dbt-threads", type=int, default=None, help="dbt's threads (the profile's 2 otherwise)"
    )
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {', '.join(unknown)}; known: {', '.join(SIZES)}")
    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {"sizes": {}}
    publish = publish_available()
    started = time.perf_counter()
    for name in sizes:
        results["machine"] = machine()
        if args.spark_only:
            results["sizes"][name] = run_spark_only(name, results["sizes"][name])
        else:
            run = run_size(
                name,
                args.fresh_sim,
                args.spark,
                publish,
                reuse_ingest=args.reuse_ingest,
                dbt_threads=args.dbt_threads,
            )
            results["sizes"][name] = keep_earlier_spark(run, results["sizes"].get(name, {}))
        RESULTS_JSON.write_text(json.dumps(results, indent=2) + "\n")
        write_report(results, BENCH_DIR / "RESULTS.md")
    print(
        f"bench done in {time.perf_counter() - started:.0f} s → {RESULTS_JSON}, "
        f"{BENCH_DIR / 'RESULTS.md'}"
    )
    return 0 if all(s.get("ok") for s in results["sizes"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
