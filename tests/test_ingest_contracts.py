"""A file's contract (DECISIONS.md D45, D46): rejected files stay rejected until they change
or an operator accepts them; the volume baseline and its settings; the asset check."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest
from defects import cdr, queue_log

from orchestration.assets.ingest import ingest_checks
from orchestration.cli import main as ccwh
from orchestration.ingest import connect, load_source
from orchestration.ingest.expectations import VolumeRule, volume_baseline
from orchestration.ingest.schema import LEDGER_DDL, create_all
from orchestration.resources import WarehouseResource

QL = "asterisk/queue_log"


def put(landing: Path, rel: str, data: bytes) -> Path:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "wh.duckdb")
    yield connection
    connection.close()


def history(landing: Path, con, days: int = 3, calls: int = 10) -> None:
    for day in range(days):
        put(landing, f"{QL}/queue_log-2024010{day + 1}", queue_log(calls, 1704100000 + day * 86400))
    assert {r.status for r in load_source(con, landing, "asterisk_queue_log")} == {"loaded"}


def test_a_rejected_file_stays_rejected_until_accepted(con, landing: Path) -> None:
    history(landing, con)
    name = f"{QL}/queue_log-20240110"
    put(landing, name, b"".join(queue_log(1).splitlines(keepends=True)[:2]))  # 2 rows < 3
    (rejected,) = [
        r for r in load_source(con, landing, "asterisk_queue_log") if r.file_name == name
    ]
    assert (rejected.status, rejected.rows_loaded, rejected.rows_quarantined) == ("rejected", 0, 2)

    # read again: still rejected, nothing written
    ledger_rows = con.execute("SELECT count(*) FROM raw_ingest.file_ledger").fetchone()
    (again,) = [r for r in load_source(con, landing, "asterisk_queue_log") if r.file_name == name]
    assert again.status == "rejected"
    assert again.message.startswith(f"{name}: still rejected (same sha256 as rejected at ")
    assert con.execute("SELECT count(*) FROM raw_ingest.file_ledger").fetchone() == ledger_rows

    # the operator accepts it: loaded, the failed expectations kept in the message
    (accepted,) = [
        r
        for r in load_source(con, landing, "asterisk_queue_log", accept=[name])
        if r.file_name == name
    ]
    assert (accepted.status, accepted.rows_loaded, accepted.rows_quarantined) == ("loaded", 2, 0)
    assert "contract FAILED, loaded because the operator accepted it" in accepted.message
    assert "expect_table_row_count_to_be_between: 2 row(s), expected 3 to 150" in accepted.message
    assert con.execute(
        "SELECT count(*) FROM raw_ingest.quarantine WHERE file_name = ?", [name]
    ).fetchone() == (0,)
    assert con.execute(
        "SELECT count(*) FROM raw_asterisk.queue_log WHERE _file_name = ?", [name]
    ).fetchone() == (2,)


def test_ccwh_ingest_accept(tmp_path: Path, landing: Path, monkeypatch, capsys) -> None:
    warehouse = tmp_path / "cli.duckdb"
    monkeypatch.setenv("CCWH_LANDING", str(landing))
    monkeypatch.setenv("CCWH_WAREHOUSE", str(warehouse))
    put(landing, "asterisk/cdr/Master-20240127.csv", cdr(disposition=b"HUNG UP"))
    assert ccwh(["ingest"]) == 1  # a rejected file makes the command fail
    assert "rejected  asterisk/cdr/Master-20240127.csv" in capsys.readouterr().out
    assert ccwh(["ingest", "--accept", "asterisk/cdr/Master-20240127.csv"]) == 0
    assert "loaded    asterisk/cdr/Master-20240127.csv: 1 loaded" in capsys.readouterr().out


def test_the_volume_baseline(con, landing: Path) -> None:
    rule = VolumeRule()
    assert volume_baseline(con, "asterisk_queue_log", "x", rule).note == (
        "volume not checked: 0 earlier file(s) of source asterisk_queue_log in the ledger, 3 "
        "needed for a baseline"
    )
    history(landing, con, days=4, calls=10)  # 30 rows each
    put(landing, f"{QL}/queue_log-20240105", queue_log(20, 1704500000))  # 60 rows
    load_source(con, landing, "asterisk_queue_log")
    baseline = volume_baseline(con, "asterisk_queue_log", "x", rule)
    assert (baseline.median, baseline.min_rows, baseline.max_rows, baseline.history) == (
        30.0, 3, 150, 5,
    )  # fmt: skip
    # the last N files only, their current versions
    short = volume_baseline(con, "asterisk_queue_log", "x", VolumeRule(history_files=1))
    assert (short.median, short.history, short.note) == (
        None, 1,
        "volume not checked: 1 earlier file(s) of source asterisk_queue_log in the ledger, 3 "
        "needed for a baseline",
    )  # fmt: skip
    assert volume_baseline(con, "amazon_connect_ctr", "x", rule).note.startswith(
        "volume not checked: Firehose delivers contact trace records in objects of whatever size"
    )
    assert volume_baseline(con, "asterisk_queue_log", "x", VolumeRule(enabled=False)).note == (
        "volume not checked: CCWH_VOLUME_CHECK=0"
    )


def test_a_daily_file_is_compared_with_the_files_of_its_weekday(con, landing: Path) -> None:
    # three weeks from Monday 2024-01-01: 60 rows on weekdays, 30 on weekends
    for day in range(21):
        calls = 10 if day % 7 in (5, 6) else 20
        stamp = 1704100000 + day * 86400
        put(landing, f"{QL}/queue_log-202401{day + 1:02d}", queue_log(calls, stamp))
    assert {r.status for r in load_source(con, landing, "asterisk_queue_log")} == {"loaded"}
    saturday = volume_baseline(con, "asterisk_queue_log", f"{QL}/queue_log-20240127", VolumeRule())
    assert (saturday.median, saturday.min_rows, saturday.history) == (30.0, 3, 3)
    assert saturday.note == (
        "10% to 500% of the median 30 rows of the last 3 files of source asterisk_queue_log on a "
        "Saturday"
    )
    # a quiet Saturday (3 rows) loads; against every day's median (60 rows) it would not
    put(landing, f"{QL}/queue_log-20240127", queue_log(1, 1704100000 + 26 * 86400))
    (loaded,) = [
        r for r in load_source(con, landing, "asterisk_queue_log") if r.file_name.endswith("27")
    ]
    assert loaded.status == "loaded", loaded.message
    # no date in the name, or too few files of the weekday: the latest files of every day
    assert volume_baseline(con, "asterisk_queue_log", "x", VolumeRule()).median == 60.0
    strict = VolumeRule(min_history_files=5)
    assert volume_baseline(con, "asterisk_queue_log", f"{QL}/queue_log-20240203", strict).note == (
        "10% to 500% of the median 60 rows of the last 14 files of source asterisk_queue_log"
    )


def test_volume_settings_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("CCWH_VOLUME_MIN_RATIO", "0.2")
    monkeypatch.setenv("CCWH_VOLUME_HISTORY_FILES", "28")
    monkeypatch.setenv("CCWH_VOLUME_CHECK", "no")
    assert VolumeRule.from_env() == VolumeRule(
        min_ratio=0.2, max_ratio=5.0, history_files=28, min_history_files=3, enabled=False
    )
    monkeypatch.setenv("CCWH_VOLUME_HISTORY_FILES", "many")
    with pytest.raises(ValueError, match="CCWH_VOLUME_HISTORY_FILES='many' is not a int"):
        VolumeRule.from_env()


def test_mapped_sources_have_their_own_history(con, landing: Path) -> None:
    mapping = (
        b"columns: [id, started]\ncontact:\n  contact_id: id\n  queue: \"'q'\"\n"
        b"  queued_at: started\n  outcome: \"'answered'\"\n"
    )
    for folder in ("a", "b"):
        put(landing, f"mapped/{folder}/mapping.yml", mapping)
    rows = b"".join(f"{i},2024-01-0{1 + i % 5} 10:00:00\n".encode() for i in range(20))
    for n in range(3):
        put(landing, f"mapped/a/calls-{n}.csv", b"id,started\n" + rows)
    load_source(con, landing, "mapped_contacts")
    put(landing, "mapped/b/calls.csv", b"id,started\n1,2024-01-01 10:00:00\n")
    put(landing, "mapped/a/calls-9.csv", b"id,started\n1,2024-01-01 10:00:00\n")
    results = {r.file_name: r for r in load_source(con, landing, "mapped_contacts")}
    assert results["mapped/b/calls.csv"].status == "loaded"  # no history of its own
    assert results["mapped/a/calls-9.csv"].status == "rejected"
    assert "of the last 3 files of folder mapped/a/" in results["mapped/a/calls-9.csv"].message


def test_an_old_ledger_learns_the_rejected_status(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("CREATE SCHEMA raw_ingest")
        old.execute(LEDGER_DDL.replace(", 'rejected'", ""))
        old.execute(
            "INSERT INTO raw_ingest.file_ledger VALUES ('f', 's', 'e', 1, 'x', 1, 1, 0, "
            "'loaded', 'm', '2024-01-01', NULL)"
        )
        with pytest.raises(duckdb.ConstraintException):
            old.execute(
                "INSERT INTO raw_ingest.file_ledger VALUES ('f', 's', 'e', 1, 'y', 1, 0, 1, "
                "'rejected', 'm', '2024-01-02', NULL)"
            )
        create_all(old)
        old.execute(
            "INSERT INTO raw_ingest.file_ledger VALUES ('f', 's', 'e', 1, 'y', 1, 0, 1, "
            "'rejected', 'm', '2024-01-02', NULL)"
        )
        assert old.execute(
            "SELECT status FROM raw_ingest.file_ledger ORDER BY loaded_at"
        ).fetchall() == [("loaded",), ("rejected",)]


def test_the_contract_check_lists_the_rejected_files(tmp_path: Path, landing: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    put(landing, "asterisk/cdr/Master-20240127.csv", cdr(disposition=b"HUNG UP"))
    put(landing, "asterisk/cdr/Master-20240128.csv", cdr())
    con = connect(warehouse)
    load_source(con, landing, "asterisk_cdr")
    con.close()
    (check,) = [
        c for c in ingest_checks
        if {k.asset_key for k in c.check_keys} == {dg.AssetKey(["raw_asterisk", "cdr"])}
    ]  # fmt: skip
    result = check(
        warehouse=WarehouseResource(warehouse_path=str(warehouse), landing_dir=str(landing))
    )
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["rejected_files"].value == 1
    (rejection,) = result.metadata["rejections"].value
    assert rejection["file"] == "asterisk/cdr/Master-20240127.csv"
    assert "expect_column_values_to_be_in_set(disposition)" in rejection["message"]
