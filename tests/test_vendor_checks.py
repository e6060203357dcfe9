"""The warehouse's KPI definitions against Amazon Connect's own: the four historical metrics
reports of ../shared/data/amazon_connect load as extracts, and dq_vendor_metric_checks
recomputes the vendor's service level, AHT and occupancy with the marts' macros from the
vendor's components in the same row (DECISIONS.md D51)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_cli import run_dbt
from orchestration.ingest import ingest_landing

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "amazon_connect"
REPORTS = {
    "queue": ("queue_interval_test.csv", "queue-historic-interval-1.csv"),
    "agent": ("agent_interval_test.csv", "agent-historic-interval-1.csv"),
}

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not available")


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("vendor_checks")
    for kind, names in REPORTS.items():
        folder = tmp / "landing" / "amazon_connect" / "historical_metrics" / kind
        folder.mkdir(parents=True)
        for name in names:
            shutil.copy(SHARED / name, folder / name)
    warehouse = tmp / "ccwh.duckdb"
    results = ingest_landing(warehouse, tmp / "landing")
    assert sorted(
        (r.file_name.rsplit("/", 1)[1], r.status, r.rows_quarantined) for r in results
    ) == [
        ("agent-historic-interval-1.csv", "loaded", 0),
        ("agent_interval_test.csv", "loaded", 0),
        ("queue-historic-interval-1.csv", "loaded", 0),
        ("queue_interval_test.csv", "loaded", 0),
    ]
    run_dbt(
        ["build", "--select", "+dq_vendor_metric_checks", "kpi_catalog"],
        warehouse_path=warehouse, target_path=tmp / "target", quiet=True,
    )  # fmt: skip
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


def test_every_report_line_is_loaded_with_its_columns(checks) -> None:
    assert checks.execute("SELECT count(*) FROM raw_amazon_connect.queue_intervals").fetchone() == (
        46,
    )
    assert checks.execute("SELECT count(*) FROM raw_amazon_connect.agent_intervals").fetchone() == (
        129,
    )
    # the undeclared columns are kept
    (extra,) = checks.execute(
        "SELECT extra_fields FROM raw_amazon_connect.queue_intervals WHERE queue = 'Fraud' "
        "AND interval_start = TIMESTAMP '2019-02-08 11:30:00'"
    ).fetchone()
    assert '"Contacts answered in 15 seconds":"0"' in extra
    assert '"Service level 600 seconds":"100.00%"' in extra


def test_every_vendor_figure_agrees_with_the_warehouse_definition(checks) -> None:
    rows = checks.execute(
        "SELECT report, kpi_key, threshold_seconds, count(*), "
        "sum(CASE WHEN is_consistent THEN 1 ELSE 0 END), max(abs(difference)) "
        "FROM marts.dq_vendor_metric_checks GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    counts = {(r, k, t): (n, ok) for r, k, t, n, ok, _ in rows}
    assert counts == {
        ("agent", "aht_seconds", None): (28, 28),
        ("agent", "occupancy", None): (31, 31),
        ("queue", "aht_seconds", None): (16, 16),
        ("queue", "occupancy", None): (16, 16),
        ("queue", "service_level_abandons_positive", 20): (13, 13),
        ("queue", "service_level_abandons_positive", 60): (13, 13),
    }
    worst = {(r, k): float(d) for r, k, _, _, _, d in rows}
    # the vendor's service level IS variant (b), to its two decimals of a percent
    assert worst[("queue", "service_level_abandons_positive")] == 0
    # its AHT is ours truncated to whole seconds; its occupancy ours within a point
    assert worst[("queue", "aht_seconds")] < 1 and worst[("agent", "occupancy")] < 0.01


def test_abandons_within_the_threshold_count_as_met_for_the_vendor(checks) -> None:
    """The interval that tells the definitions apart: one contact, abandoned within 60 s and
    not within 20 s. Amazon Connect shows 0 % at 20 s and 100 % at 60 s: variant (b); the
    warehouse's default (answered within T / (answered + abandoned - short)) would say 0 %."""
    rows = checks.execute(
        "SELECT threshold_seconds, numerator, denominator, vendor_value, warehouse_value "
        "FROM marts.dq_vendor_metric_checks WHERE kpi_key = 'service_level_abandons_positive' "
        "AND subject = 'National Accounts' AND interval_start_at = TIMESTAMP '2019-02-08 12:30:00' "
        "ORDER BY 1"
    ).fetchall()
    assert [tuple(float(v) for v in r) for r in rows] == [
        (20, 0, 1, 0.0, 0.0),
        (60, 1, 1, 1.0, 1.0),
    ]
