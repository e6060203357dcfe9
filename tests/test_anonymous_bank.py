"""The research call center (../shared/data/anonymous_bank) through the shipped mapping.

Both months are ingested with `mappings/anonymous_bank.yml` and the voice marts are built
(with their dbt tests). Then, per day, the marts must equal a computation written here
straight from the raw TSV with Python's csv module, without the mapping's SQL:

- a call *entered the queue* when its outcome is AGENT (served, with or without a wait) or
  HANG with a queue start (`q_start` not 0:00:00); HANG without one never asked for an agent
  (it ended in the VRU); PHANTOM records are not calls (DECISIONS.md, "Contact sources");
- offered = entered the queue; answered = AGENT; abandoned in queue = HANG with a queue start;
- ASA = Σ q_time of answered calls / answered (q_time is 0 for a call served without waiting);
- mean handle time = Σ ser_time / answered calls that have a service record (`ser_start`
  not 0:00:00; the log has no hold or after-call work);
- the day a call counts on is the local day it entered the queue (DECISIONS.md D3): the
  `date` column, or the next day when the queue entry's clock time is more than 12 hours
  before the VRU entry's (a call that crossed midnight).
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_cli import run_dbt
from orchestration.ingest import ingest_landing, validate_raw

PROJECT_DIR = Path(__file__).resolve().parent.parent
BANK = PROJECT_DIR.parent / "shared" / "data" / "anonymous_bank"
FILES = ("1999-01.tsv", "1999-02.tsv")

pytestmark = pytest.mark.skipif(not BANK.is_dir(), reason=f"real extract not found: {BANK}")


def seconds(clock: str) -> int:
    h, m, s = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


@dataclass
class Day:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    wait_answered: int = 0
    handle: int = 0
    with_handle: int = 0
    by_queue: Counter = field(default_factory=Counter)


def raw_rows() -> list[dict[str, str]]:
    rows = []
    for name in FILES:
        with (BANK / name).open(newline="", encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle, delimiter="\t"))
    return rows


def independent_days() -> dict[date, Day]:
    """The per-day figures, from the raw file alone."""
    days: dict[date, Day] = defaultdict(Day)
    for r in raw_rows():
        outcome = r["outcome"]
        queued = r["q_start"] != "0:00:00"
        if outcome == "PHANTOM" or (outcome == "HANG" and not queued):
            continue
        entry_clock = seconds(r["q_start"] if queued else r["vru_exit"])
        day = date(1900 + int(r["date"][:2]), int(r["date"][2:4]), int(r["date"][4:]))
        if entry_clock < seconds(r["vru_entry"]) - 12 * 3600:
            day += timedelta(days=1)
        d = days[day]
        d.offered += 1
        d.by_queue[(r["type"], "offered")] += 1
        if outcome == "AGENT":
            d.answered += 1
            d.by_queue[(r["type"], "answered")] += 1
            d.wait_answered += int(r["q_time"]) if queued else 0
            if r["ser_start"] != "0:00:00":
                d.handle += int(r["ser_time"])
                d.with_handle += 1
        else:
            d.abandoned += 1
            d.by_queue[(r["type"], "abandoned")] += 1
    return dict(days)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("anonymous_bank")
    folder = tmp / "landing" / "mapped" / "anonymous_bank"
    folder.mkdir(parents=True)
    for name in FILES:
        shutil.copy(BANK / name, folder / name)
    warehouse_path = tmp / "ccwh.duckdb"
    results = ingest_landing(warehouse_path, tmp / "landing")
    assert [(r.file_name, r.status) for r in results] == [
        (f"mapped/anonymous_bank/{name}", "loaded") for name in FILES
    ], results
    run_dbt(
        ["build", "--select", "+kpi_queue_daily", "+dim_queues", "+dim_agents", "+dim_date",
         "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
        warehouse_path=warehouse_path, target_path=tmp / "target", quiet=True,
    )  # fmt: skip
    run_dbt(
        ["test", "--select", "source:raw_mapped", "staging.mapped", "intermediate.contacts",
         "marts.voice", "path:tests/dbt/voice", "--indirect-selection", "buildable"],
        warehouse_path=warehouse_path, target_path=tmp / "target", quiet=True,
    )  # fmt: skip
    con = duckdb.connect(str(warehouse_path), read_only=True)
    yield con
    con.close()


def test_every_row_is_loaded_or_quarantined(warehouse) -> None:
    raw = Counter()
    for name in FILES:
        with (BANK / name).open(newline="", encoding="utf-8") as handle:
            raw[name] = sum(1 for _ in csv.DictReader(handle, delimiter="\t"))
    ledger = warehouse.execute(
        "SELECT file_name, rows_in, rows_loaded, rows_quarantined FROM raw_ingest.file_ledger "
        "ORDER BY file_name"
    ).fetchall()
    phantoms = Counter(r["outcome"] for r in raw_rows())["PHANTOM"]
    assert [row[1] for row in ledger] == [raw[name] for name in FILES] == [31599, 33344]
    assert all(rows_in == loaded + quarantined for _, rows_in, loaded, quarantined in ledger)
    assert sum(row[3] for row in ledger) == phantoms == 518
    reasons = warehouse.execute(
        "SELECT DISTINCT regexp_replace(reason, '^line [0-9]+: ', '') FROM raw_ingest.quarantine"
    ).fetchall()
    assert reasons == [
        ("excluded by the mapping: PHANTOM record, a system artifact and not a real call "
         "(data README)",)
    ]  # fmt: skip
    result = validate_raw(warehouse, "mapped_contacts")
    assert result.success, result.failures


def test_daily_kpis_equal_the_raw_file(warehouse) -> None:
    expected = independent_days()
    marts = {
        row[0]: row[1:]
        for row in warehouse.execute(
            """
            SELECT date_local, sum(calls_offered), sum(calls_answered), sum(calls_abandoned),
                   sum(wait_seconds_answered), sum(asa_seconds_denominator),
                   sum(handle_seconds), sum(aht_seconds_denominator)
            FROM marts.kpi_queue_daily WHERE site_id = 'TLV'
            GROUP BY date_local
            """
        ).fetchall()
    }
    # 57 days: January without the 11th and 12th (missing from the file), all of February
    assert len(expected) == 57
    assert date(1999, 1, 11) not in expected and date(1999, 1, 12) not in expected
    assert set(marts) == set(expected)
    asa_diff = aht_diff = 0.0
    for day, d in sorted(expected.items()):
        offered, answered, abandoned, wait, asa_n, handle, aht_n = marts[day]
        assert (offered, answered, abandoned) == (d.offered, d.answered, d.abandoned), day
        assert (wait, asa_n) == (d.wait_answered, d.answered), day
        assert (handle, aht_n) == (d.handle, d.with_handle), day
        asa_diff = max(asa_diff, abs(wait / asa_n - d.wait_answered / d.answered))
        aht_diff = max(aht_diff, abs(handle / aht_n - d.handle / d.with_handle))
    assert asa_diff == 0 and aht_diff == 0
    # the published ratios agree with their parts
    published = warehouse.execute(
        """
        SELECT date_local, queue_id, asa_seconds, asa_seconds_numerator,
               asa_seconds_denominator, aht_seconds, aht_seconds_numerator,
               aht_seconds_denominator
        FROM marts.kpi_queue_daily WHERE site_id = 'TLV' AND calls_answered > 0
        """
    ).fetchall()
    for _, _, asa, asa_num, asa_den, aht, aht_num, aht_den in published:
        assert abs(float(asa) - asa_num / asa_den) < 1e-6
        assert abs(float(aht) - aht_num / aht_den) < 1e-6


def test_daily_counts_per_queue_and_in_fct_contacts(warehouse) -> None:
    expected = independent_days()
    per_queue = warehouse.execute(
        """
        SELECT date_local, queue_id, calls_offered, calls_answered, calls_abandoned
        FROM marts.kpi_queue_daily WHERE site_id = 'TLV'
        """
    ).fetchall()
    got: Counter = Counter()
    for day, queue, offered, answered, abandoned in per_queue:
        for what, n in (("offered", offered), ("answered", answered), ("abandoned", abandoned)):
            if n:
                got[(day, queue, what)] = n
    want = Counter(
        {(day, q, what): n for day, d in expected.items() for (q, what), n in d.by_queue.items()}
    )
    assert got == want
    contacts = warehouse.execute(
        """
        SELECT contact_date, count(*) FILTER (WHERE is_offered),
               count(*) FILTER (WHERE is_answered), count(*) FILTER (WHERE is_abandoned)
        FROM marts.fct_contacts WHERE source_system = 'mapped:anonymous_bank'
        GROUP BY contact_date
        """
    ).fetchall()
    assert {row[0]: row[1:] for row in contacts} == {
        day: (d.offered, d.answered, d.abandoned) for day, d in expected.items()
    }


def test_vru_only_calls_and_the_log_defects(warehouse) -> None:
    rows = raw_rows()
    vru_only = sum(1 for r in rows if r["outcome"] == "HANG" and r["q_start"] == "0:00:00")
    outcomes = dict(
        warehouse.execute(
            "SELECT outcome, count(*) FROM marts.fct_contacts "
            "WHERE source_system = 'mapped:anonymous_bank' GROUP BY 1"
        ).fetchall()
    )
    # VRU-only hang-ups are contacts that ended in the IVR: kept, never offered
    assert vru_only == 3139
    assert outcomes == {"answered": 54222, "abandoned": 7064, "ended_in_ivr": vru_only}
    # negative vru_time (the VRU clock behind the queue's): loaded, arrival never after entry
    negative_vru = {
        f"{r['vru+line']}-{r['call_id']}"
        for r in rows
        if int(r["vru_time"]) < 0 and r["outcome"] != "PHANTOM"
    }
    assert len(negative_vru) == 55  # of 58 negative vru_time rows, 3 are PHANTOM
    assert warehouse.execute(
        "SELECT count(*), count(*) FILTER (WHERE arrived_at <= queue_entered_at) "
        "FROM marts.fct_contacts WHERE call_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(negative_vru)],
    ).fetchone() == (55, 55)
    # ser_start a second before vru_exit: answered at the queue entry, never before it
    early = {
        f"{r['vru+line']}-{r['call_id']}"
        for r in rows
        if r["outcome"] == "AGENT" and r["ser_start"] != "0:00:00" and r["q_start"] == "0:00:00"
        and 0 < seconds(r["vru_exit"]) - seconds(r["ser_start"]) <= 2
    }  # fmt: skip
    assert early
    assert warehouse.execute(
        "SELECT count(*) FROM marts.fct_contacts WHERE call_id IN (SELECT unnest(?::VARCHAR[])) "
        "AND answered_at = queue_entered_at AND wait_seconds = 0",
        [sorted(early)],
    ).fetchone() == (len(early),)
    # the site's time zone: days are Tel Aviv's (UTC+2 in winter)
    assert warehouse.execute(
        "SELECT arrived_at, contact_date, site_id FROM marts.fct_contacts "
        "WHERE call_id = 'AA0101-33116'"
    ).fetchone() == (datetime(1998, 12, 31, 22, 0, 31), date(1999, 1, 1), "TLV")
