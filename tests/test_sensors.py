"""The landing sensor and the daily partitioned path (orchestration/sensors.py)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import DagsterRun
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from orchestration.assets.ingest import daily_ingest_assets, file_day
from orchestration.definitions import defs
from orchestration.resources import WarehouseResource

QUEUE_LOG = b"1706360100|c1|support|NONE|ENTERQUEUE||5551234|1\n"


def resources(tmp_path: Path, landing: Path) -> dict:
    return {
        "warehouse": WarehouseResource(
            warehouse_path=str(tmp_path / "wh.duckdb"), landing_dir=str(landing)
        )
    }


def put(landing: Path, rel: str, data: bytes) -> Path:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class Ticks:
    """Evaluate the sensor tick after tick, carrying its cursor as the daemon does."""

    def __init__(self, tmp_path: Path, landing: Path) -> None:
        self.sensor = defs.get_sensor_def("landing_sensor")
        self.instance = dg.DagsterInstance.ephemeral()
        self.resources = resources(tmp_path, landing)
        self.cursor: str | None = None

    def tick(self):
        context = dg.build_sensor_context(
            instance=self.instance, cursor=self.cursor, resources=self.resources,
            definitions=defs,
        )  # fmt: skip
        data = self.sensor.evaluate_tick(context)
        self.cursor = data.cursor if data.cursor is not None else self.cursor
        return data


def test_the_sensor_is_registered_and_stopped_by_default() -> None:
    sensor = defs.get_sensor_def("landing_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert {job.name for job in sensor.jobs} == {"main", "ingest_daily"}


def test_new_file_requests_a_run_unchanged_none(tmp_path: Path, landing: Path) -> None:
    ticks = Ticks(tmp_path, landing)
    assert ticks.tick().run_requests == []  # empty landing folder: nothing to do

    put(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG)
    (request,) = ticks.tick().run_requests
    assert (request.job_name, request.partition_key) == ("ingest_daily", "2024-01-27")

    data = ticks.tick()  # nothing changed since
    assert data.run_requests == []
    assert "no new or changed file" in data.skip_message

    # a file that grows (the PBX appends) is changed
    put(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG * 2)
    (again,) = ticks.tick().run_requests
    assert (again.job_name, again.partition_key) == ("ingest_daily", "2024-01-27")
    assert again.run_key != request.run_key


def test_several_days_one_run_over_the_range(tmp_path: Path, landing: Path) -> None:
    ticks = Ticks(tmp_path, landing)
    put(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG)
    put(landing, "asterisk/cdr/Master-20240129.csv", b"")
    (request,) = ticks.tick().run_requests
    assert request.job_name == "ingest_daily" and request.partition_key is None
    assert (
        request.tags[ASSET_PARTITION_RANGE_START_TAG],
        request.tags[ASSET_PARTITION_RANGE_END_TAG],
    ) == ("2024-01-27", "2024-01-29")


def test_files_without_a_day_go_to_the_main_job(tmp_path: Path, landing: Path) -> None:
    ticks = Ticks(tmp_path, landing)
    put(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG)
    put(landing, "roster/agents.csv", b"agent_id\n")
    (request,) = ticks.tick().run_requests
    assert (request.job_name, request.partition_key) == ("main", None)
    # a queue_log without a day in its name, alone, goes there too
    put(landing, "asterisk/queue_log/queue_log", QUEUE_LOG)
    (request,) = ticks.tick().run_requests
    assert request.job_name == "main"
    # touching a file (same size, new time) is a change; the load finds the same sha256
    path = landing / "roster" / "agents.csv"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    (request,) = ticks.tick().run_requests
    assert request.job_name == "main"


def test_no_request_while_a_run_is_in_progress(tmp_path: Path, landing: Path) -> None:
    ticks = Ticks(tmp_path, landing)
    ticks.instance.add_run(
        DagsterRun(job_name="main", run_id="a" * 36, status=dg.DagsterRunStatus.STARTED)
    )
    put(landing, "roster/agents.csv", b"agent_id\n")
    data = ticks.tick()
    assert data.run_requests == []
    assert "wait for run" in data.skip_message
    assert ticks.cursor is None  # not advanced: the file is picked up after the run


def test_file_day() -> None:
    assert file_day("asterisk/queue_log/queue_log-20240127") == "2024-01-27"
    assert file_day("asterisk/cdr/Master-20240127.csv") == "2024-01-27"
    assert file_day("asterisk/cdr/Master-2024-01-27.csv") == "2024-01-27"
    assert file_day("asterisk/cdr/Master.csv") is None
    assert file_day("asterisk/queue_log/queue_log-20241332") is None  # not a date
    assert file_day("asterisk/queue_log/queue_log.1") is None


def test_a_daily_partition_loads_only_its_day(tmp_path: Path, landing: Path) -> None:
    put(landing, "asterisk/queue_log/queue_log-20240127", QUEUE_LOG)
    put(landing, "asterisk/queue_log/queue_log-20240128", QUEUE_LOG.replace(b"c1", b"c2"))
    put(landing, "asterisk/queue_log/queue_log", QUEUE_LOG.replace(b"c1", b"c3"))
    queue_log_daily = next(a for a in daily_ingest_assets if "asterisk_queue_log" in str(a.key))
    result = dg.materialize(
        [queue_log_daily], partition_key="2024-01-28", resources=resources(tmp_path, landing)
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert (metadata["files_seen"].value, metadata["files_loaded"].value) == (1, 1)
    import duckdb

    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("SELECT _file_name, callid FROM raw_asterisk.queue_log").fetchall() == [
            ("asterisk/queue_log/queue_log-20240128", "c2")
        ]
