"""The benchmark's measuring parts (bench/): peak memory and CPU of a process tree, the floor."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.floor import read_floor
from bench.measure import run_stage


def test_run_stage_measures_the_whole_process_tree(tmp_path: Path) -> None:
    # a child that holds 200 MB and burns CPU for a moment, started by a parent that holds little
    child = (
        "import time; a = bytearray(200_000_000); t = time.process_time(); "
        "exec('while time.process_time() - t < 0.3: pass'); time.sleep(0.5)"
    )
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    result = run_stage("tree", [sys.executable, "-c", parent], log_path=tmp_path / "log")
    assert result.ok
    assert result.peak_rss_bytes > 200_000_000
    assert result.cpu_seconds >= 0.3
    assert result.seconds >= 0.8
    failed = run_stage("fail", [sys.executable, "-c", "raise SystemExit(3)"])
    assert failed.returncode == 3 and not failed.ok


def test_floor_reads_every_line_of_every_landing_file(tmp_path: Path) -> None:
    queue_log = tmp_path / "asterisk" / "queue_log"
    cdr = tmp_path / "asterisk" / "cdr"
    queue_log.mkdir(parents=True)
    cdr.mkdir(parents=True)
    (queue_log / "queue_log-20260101").write_text(
        "1767225600|c1|sales|NONE|ENTERQUEUE||600123123|1\n"
        "1767225610|c1|sales|Agent/1001|CONNECT|10|1767225600.1|3\n"
        "1767225700|c1|sales|Agent/1001|COMPLETECALLER|10|90|1\n"
    )
    (queue_log / "queue_log-20260102").write_text("1767312000|NONE|sales|Agent/1001|PAUSE|Break\n")
    (cdr / "Master-20260101.csv").write_text(
        '"","600123123","6001","ext-queues","""x"" <600123123>","PJSIP/t-1","PJSIP/1001-2",'
        '"Queue","sales,t","2026-01-01 01:00:00","2026-01-01 01:00:10","2026-01-01 01:01:40",'
        '100,90,"ANSWERED","DOCUMENTATION","1767225600.1","","","1767225600.1",1\n'
    )
    floor = read_floor(tmp_path)
    assert floor["queue_log"] == {"files": 2, "rows": 4, "bytes": floor["queue_log"]["bytes"]}
    assert floor["cdr"]["rows"] == 1
    assert floor["rows"] == 5
    assert floor["bytes"] == sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())


def test_a_reused_stage_comes_back_marked_and_a_missing_one_stops_the_bench(
    tmp_path: Path,
) -> None:
    import json
    from dataclasses import asdict

    import pytest

    from bench.__main__ import load_stage, stage_record

    (tmp_path / "logs").mkdir()
    measured = run_stage("ingest", [sys.executable, "-c", "pass"])
    stage_record(tmp_path, "full", "ingest").write_text(json.dumps(asdict(measured)))
    reused = load_stage(tmp_path, "full", "ingest")
    assert (reused.name, reused.seconds, reused.returncode) == (
        "ingest", measured.seconds, 0,
    )  # fmt: skip
    assert reused.extra["reused"] == "measured by an earlier run of this size"
    with pytest.raises(SystemExit, match="--reuse-ingest needs .*full-floor.json"):
        load_stage(tmp_path, "full", "floor")


def test_the_report_renders_the_recorded_results(tmp_path: Path) -> None:
    import json

    from bench.__main__ import RESULTS_JSON
    from bench.report import write_report

    results = json.loads(RESULTS_JSON.read_text())
    out = tmp_path / "RESULTS.md"
    write_report(results, out)
    text = out.read_text()
    for name, size in results["sizes"].items():
        assert f"## {name}: {size['days']} days" in text
        if size.get("spark"):
            assert "Spark (local, 2 cores" in text
        if size.get("spark_daily"):
            assert "Spark daily run (local, 2 cores" in text
            assert any(s["name"] == "daily-spark-dbt" for s in size["spark_daily"])


def test_a_run_without_spark_keeps_the_spark_stages_an_earlier_run_measured() -> None:
    from bench.__main__ import keep_earlier_spark

    earlier = {"machine": {"commit": "abc1234"}, "spark": [{"name": "spark-dbt"}]}
    kept = keep_earlier_spark({"machine": {"commit": "def5678"}, "spark": []}, earlier)
    assert kept["spark"] == [{"name": "spark-dbt"}]
    assert kept["spark_daily"] == []
    assert kept["spark_machine"] == {"commit": "abc1234"}
    assert kept["machine"] == {"commit": "def5678"}
    measured = {"machine": {}, "spark": [{"name": "spark-dbt", "seconds": 1.0}]}
    assert keep_earlier_spark(measured, earlier) is measured
    assert keep_earlier_spark({"spark": []}, {}) == {"spark": []}
