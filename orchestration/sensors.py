"""The landing sensor: run the warehouse when files land, so a center can run it continuously.

Every tick (a minute) the sensor lists the landing folder's data files (the same discovery as
ingestion) and compares each file's size and modification time with its cursor, a JSON object
``{path: [size, mtime_ns]}``. New or changed files request one run:

- if every changed file is an Asterisk queue_log or CDR file with a day in its name
  (``queue_log-YYYYMMDD``, ``Master-YYYYMMDD.csv``): the ``ingest_daily`` job for those days
  (one run over the range of days: the daily ingestion assets, then the raw tables, the dbt
  models and the site downstream of them);
- otherwise (another source, a file without a day in its name): the ``main`` job, which loads
  every new file of every source and builds everything (`ccwh run` runs the same job).

Size and time only say that a file *may* have changed: the load computes its sha256, and a file
whose bytes are those already loaded is 'unchanged' in the ledger (nothing is written). A file
still being written is picked up again on the next tick when it has grown.

DuckDB has one writer, so the sensor requests nothing while a run of either job is queued or in
progress (the cursor is not advanced: the files are picked up when the run has ended).

It is created stopped. To run it: ``make serve``, open http://127.0.0.1:3000, Automation, and
turn on ``landing_sensor`` (the UI runs the daemon); or, without the UI, ``dagster-daemon run
-m orchestration.definitions`` with the same DAGSTER_HOME after turning it on with
``dagster sensor start landing_sensor -m orchestration.definitions``.
"""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from orchestration.assets.ingest import DAILY_SOURCES, file_day
from orchestration.ingest.files import discover, relative_name
from orchestration.ingest.pipeline import SOURCES
from orchestration.resources import WarehouseResource

MAIN_JOB = "main"
DAILY_JOB = "ingest_daily"
ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]

Snapshot = dict[str, tuple[str, int, int]]  # path -> (source, size, mtime_ns)


def landing_snapshot(landing: Path) -> Snapshot:
    """Every data file of every source: its source, size and modification time."""
    files: Snapshot = {}
    for source in SOURCES:
        for path in discover(landing, source):
            try:
                stat = path.stat()
            except OSError:  # removed while listing: the next tick sees it gone
                continue
            files[relative_name(landing, path)] = (source, stat.st_size, stat.st_mtime_ns)
    return files


def changed_files(cursor: str | None, snapshot: Snapshot) -> list[str]:
    """Paths that are new or whose size or time differ from the cursor's."""
    seen = json.loads(cursor) if cursor else {}
    return sorted(
        name for name, (_, size, mtime) in snapshot.items() if seen.get(name) != [size, mtime]
    )


def cursor_of(snapshot: Snapshot) -> str:
    return json.dumps({name: [size, mtime] for name, (_, size, mtime) in snapshot.items()},
                      sort_keys=True)  # fmt: skip


def _latest_day() -> str:
    # the daily partitions end tomorrow (UTC): a PBX ahead of UTC already writes its today
    return (datetime.now(UTC).date() + timedelta(days=1)).isoformat()


def plan_run(changed: list[str], snapshot: Snapshot) -> dg.RunRequest | None:
    """The one run that loads `changed` (see the module docstring), or None."""
    if not changed:
        return None
    key = hashlib.sha256(json.dumps([[n, *snapshot[n][1:]] for n in changed]).encode()).hexdigest()[
        :32
    ]
    days = {name: file_day(name) for name in changed if snapshot[name][0] in DAILY_SOURCES}
    latest = _latest_day()
    if all(days.get(name) and days[name] <= latest for name in changed):
        first, last = min(days.values()), max(days.values())
        tags = {"ccwh/files": str(len(changed))}
        if first == last:
            return dg.RunRequest(run_key=key, job_name=DAILY_JOB, partition_key=first, tags=tags)
        tags |= {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}
        return dg.RunRequest(run_key=key, job_name=DAILY_JOB, tags=tags)
    return dg.RunRequest(run_key=key, job_name=MAIN_JOB, tags={"ccwh/files": str(len(changed))})


def build_landing_sensor(main_job: Any, daily_job: Any) -> dg.SensorDefinition:
    """The sensor, targeting the two jobs of `orchestration.definitions`."""

    @dg.sensor(
        name="landing_sensor",
        jobs=[main_job, daily_job],
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description=(
            "New or changed files in landing/ (size and time; sha256 at load) request a run: "
            "ingest_daily for Asterisk files named by their day, main for anything else."
        ),
    )
    def landing_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        snapshot = landing_snapshot(warehouse.landing)
        changed = changed_files(context.cursor, snapshot)
        if not changed:
            return dg.SkipReason(f"no new or changed file in {warehouse.landing}")
        active = [
            run.run_id
            for job in (MAIN_JOB, DAILY_JOB)
            for run in context.instance.get_runs(
                filters=dg.RunsFilter(job_name=job, statuses=ACTIVE), limit=1
            )
        ]
        if active:
            return dg.SkipReason(
                f"{len(changed)} new or changed file(s) wait for run {active[0]} to end "
                "(DuckDB has one writer)"
            )
        request = plan_run(changed, snapshot)
        context.update_cursor(cursor_of(snapshot))
        context.log.info(
            f"{len(changed)} new or changed file(s): {', '.join(changed[:10])}"
            + (" ..." if len(changed) > 10 else "")
        )
        return [request]

    return landing_sensor
