"""End to end: `ccwh run` on a small simulated center, then the marts queried as a BI tool would.

The KPI checks recompute the numbers straight from the landing files in plain Python
(an independent implementation of the KPIS.md definitions), and compare with the marts.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR, PipelineRun, ccwh

pytestmark = pytest.mark.e2e

ABANDON_EVENTS = {"ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"}


def _thresholds() -> dict[str, tuple[int, int]]:
    with open(PROJECT_DIR / "seeds" / "queue_config.csv", newline="") as fh:
        return {
            row["queue_id"]: (
                int(row["service_level_threshold_seconds"]),
                int(row["short_abandon_threshold_seconds"]),
            )
            for row in csv.DictReader(fh)
        }


def _queue_log_lines(landing: Path):
    for path in sorted((landing / "asterisk" / "queue_log").iterdir()):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                yield line.rstrip("\n").split("|")


def _recompute_from_files(landing: Path) -> dict[str, Counter]:
    """Per queue: offered, answered, answered ≤ T, abandoned, short abandons, ≤ T abandons."""
    thresholds = _thresholds()
    per_queue: dict[str, Counter] = defaultdict(Counter)
    for fields in _queue_log_lines(landing):
        event, queue = fields[4], fields[2]
        data = fields[5:] + [""] * 5
        t, s = thresholds.get(queue, (20, 5))
        c = per_queue[queue]
        if event == "ENTERQUEUE":
            c["offered"] += 1
        elif event == "CONNECT":
            c["answered"] += 1
            c["answered_within"] += int(data[0]) <= t
        elif event in ABANDON_EVENTS:
            wait = int(data[3] if event == "EXITWITHKEY" else data[2])
            c["abandoned"] += 1
            c["abandoned_within"] += wait <= t
            c["short"] += wait <= s
    return per_queue


def test_run_prints_where_things_are(pipeline_run: PipelineRun) -> None:
    assert str(pipeline_run.warehouse_path) in pipeline_run.stdout
    assert str(pipeline_run.site_dir) in pipeline_run.stdout
    assert (pipeline_run.site_dir / "index.html").exists()


def test_marts_exist_and_are_filled(pipeline_run: PipelineRun) -> None:
    with pipeline_run.connect() as con:
        for table in [
            "fct_contacts",
            "fct_agent_states",
            "dim_agents",
            "dim_queues",
            "dim_date",
            "dim_interval",
            "kpi_queue_interval",
            "kpi_queue_daily",
            "kpi_agent_daily",
        ]:
            (n,) = con.execute(f"select count(*) from marts.{table}").fetchone()
            assert n > 0, f"marts.{table} is empty"


def test_queue_kpis_equal_an_independent_count_from_the_files(pipeline_run: PipelineRun) -> None:
    expected = _recompute_from_files(pipeline_run.landing_dir)
    with pipeline_run.connect() as con:
        rows = con.execute(
            """
            select queue_id,
                   sum(calls_offered), sum(calls_answered),
                   sum(calls_answered_within_threshold), sum(calls_abandoned),
                   sum(calls_abandoned_within_threshold), sum(calls_short_abandoned),
                   sum(service_level_numerator), sum(service_level_denominator)
            from marts.kpi_queue_daily
            where queue_id <> 'unassigned'
            group by queue_id
            """
        ).fetchall()
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(expected)
    for queue, c in expected.items():
        offered, answered, ans_t, abandoned, ab_t, short, sl_num, sl_den = got[queue]
        assert offered == c["offered"], queue
        assert answered == c["answered"], queue
        assert ans_t == c["answered_within"], queue
        assert abandoned == c["abandoned"], queue
        assert ab_t == c["abandoned_within"], queue
        assert short == c["short"], queue
        # default service level: answered ≤ T / (answered + abandoned − short abandons)
        assert sl_num == c["answered_within"]
        assert sl_den == c["answered"] + c["abandoned"] - c["short"]


def test_daily_service_level_is_recomputed_from_sums(pipeline_run: PipelineRun) -> None:
    with pipeline_run.connect() as con:
        bad = con.execute(
            """
            select count(*) from marts.kpi_queue_daily
            where service_level_denominator > 0
              and abs(service_level - service_level_numerator / service_level_denominator) > 1e-6
            """
        ).fetchone()[0]
    assert bad == 0


def test_ingesting_again_changes_nothing(pipeline_run: PipelineRun) -> None:
    env = {
        "CCWH_LANDING": str(pipeline_run.landing_dir),
        "CCWH_WAREHOUSE": str(pipeline_run.warehouse_path),
    }
    with pipeline_run.connect() as con:
        before = con.execute("select count(*) from raw_asterisk.queue_log").fetchone()[0]
    proc = ccwh(["ingest"], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert all(line.startswith("unchanged") for line in proc.stdout.splitlines() if line)
    with pipeline_run.connect() as con:
        after = con.execute("select count(*) from raw_asterisk.queue_log").fetchone()[0]
    assert before == after
