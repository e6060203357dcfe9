"""The defect catalog (tests/defects.py): every case loaded into a fresh warehouse, and its
exact outcome asserted: ledger status and message, counts, every quarantined line and reason,
the rows as loaded. Decisions: DECISIONS.md, "Ingestion defects"."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from defects import CASES, Defect, normalize

from orchestration.ingest import FileResult, connect
from orchestration.ingest.expectations import VolumeRule
from orchestration.ingest.pipeline import load_file


def put(landing: Path, rel: str, data: bytes) -> Path:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def run_case(case: Defect, root: Path) -> tuple[duckdb.DuckDBPyConnection, FileResult]:
    """Load the case's earlier files one by one, then its file; the volume rule and the
    legacy encoding are the case's, never the environment's."""
    landing = root / "landing"
    con = connect(root / "warehouse.duckdb")
    for rel, data in case.beside:
        put(landing, rel, data)
    options = {"volume": VolumeRule(), "legacy_encoding": case.legacy_encoding}
    for rel, data in case.before:
        earlier = load_file(con, landing, put(landing, rel, data), case.source, **options)
        assert earlier.status in ("loaded", "replaced"), earlier
    return con, load_file(con, landing, put(landing, case.path, case.content), case.source,
                          **options)  # fmt: skip


def test_the_catalog_has_at_least_20_distinct_cases() -> None:
    names = [case.name for case in CASES]
    assert len(names) >= 20
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_defect(case: Defect, tmp_path: Path) -> None:
    con, result = run_case(case, tmp_path)
    expected = case.expected
    try:
        assert (result.status, result.rows_in, result.rows_loaded, result.rows_quarantined) == (
            expected.status, expected.rows_in, expected.rows_loaded, expected.rows_quarantined,
        )  # fmt: skip
        assert normalize(result.message) == expected.message
        assert result.rows_in == result.rows_loaded + result.rows_quarantined

        # the ledger holds what the result says (a file that changed nothing writes nothing)
        ledger = con.execute(
            "SELECT status, rows_in, rows_loaded, rows_quarantined, message "
            "FROM raw_ingest.file_ledger WHERE file_name = ? ORDER BY loaded_at",
            [result.file_name],
        ).fetchall()
        written = len(ledger) - len(
            [rel for rel, _ in case.before if rel == case.path]
        )  # rows of the case file itself
        if result.status == "unchanged":
            assert written == 0
        else:
            assert written == 1
            assert ledger[-1][:4] == (
                result.status, result.rows_in, result.rows_loaded, result.rows_quarantined,
            )  # fmt: skip
            assert ledger[-1][4] == result.message

        # every quarantined line, with its reason, for this version of the file
        quarantined = con.execute(
            "SELECT line_number, reason FROM raw_ingest.quarantine "
            "WHERE file_name = ? AND file_sha256 = ? ORDER BY line_number",
            [result.file_name, result.file_sha256],
        ).fetchall()
        if result.status != "unchanged":
            assert tuple(quarantined) == expected.quarantined
            assert len(quarantined) == result.rows_quarantined
        if expected.rows is not None:
            assert tuple(con.execute(case.query).fetchall()) == expected.rows
    finally:
        con.close()


def test_windows1251_read_as_latin1_is_lossless(tmp_path: Path) -> None:
    """Without the setting, the Cyrillic name is not legible but nothing is lost: the stored
    text encodes back to the file's bytes, and CCWH_LEGACY_ENCODING makes it legible."""
    (case,) = [c for c in CASES if c.name == "windows1251_cdr_undeclared"]
    con, result = run_case(case, tmp_path)
    (clid,) = con.execute("SELECT clid FROM raw_asterisk.cdr").fetchone()
    assert clid.encode("latin-1").decode("cp1251") == '"Фёдор Иванов" <5551000>'
    con.close()


def test_legacy_encoding_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    (case,) = [c for c in CASES if c.name == "windows1251_cdr_undeclared"]
    landing = tmp_path / "landing"
    path = put(landing, case.path, case.content)
    con = connect(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("CCWH_LEGACY_ENCODING", "windows-1251")
    result = load_file(con, landing, path, case.source, volume=VolumeRule())
    assert "read as windows-1251" in result.message
    assert con.execute("SELECT clid FROM raw_asterisk.cdr").fetchone() == (
        '"Фёдор Иванов" <5551000>',
    )
    monkeypatch.setenv("CCWH_LEGACY_ENCODING", "klingon")
    other = put(landing, "asterisk/cdr/Master-20240128.csv", case.content)
    failed = load_file(con, landing, other, case.source, volume=VolumeRule())
    assert (failed.status, failed.message) == (
        "failed",
        "asterisk/cdr/Master-20240128.csv: the legacy encoding 'klingon' (CCWH_LEGACY_ENCODING) "
        "is not an encoding Python knows; use e.g. latin-1, windows-1251, windows-1252",
    )
    con.close()


def test_nul_bytes_are_shown_not_stored(tmp_path: Path) -> None:
    """The quarantine keeps the line with each NUL shown as U+2400 (a text column that
    PostgreSQL can take); the file and its sha256 keep the bytes."""
    (case,) = [c for c in CASES if c.name == "nul_bytes"]
    con, _ = run_case(case, tmp_path)
    assert con.execute(
        "SELECT raw_line FROM raw_ingest.quarantine ORDER BY line_number"
    ).fetchall() == [
        ("\u2400" * 8,),
        ("1706360105|c1|sup\u2400port|Agent/1001|CONNECT|5|c1.2|3",),
    ]
    con.close()
