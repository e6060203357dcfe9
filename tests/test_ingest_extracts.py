"""Business extracts (orchestration/ingest/extracts.py): header-named CSV or Excel, typed values,
row problems quarantined, schema drift kept, contracts from the declaration.

The shipped finance extract is the example; a test-only spec with every column type is
registered for the duration of a test (monkeypatch restores the registries).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration.ingest import extracts, files, load_source, schema
from orchestration.ingest.extracts import Column, ExtractSpec, extract_layout
from orchestration.ingest.reader import UnreadableFile
from tests.conftest import write_landing_file as write

COSTS_HEADER = "month,site_id,cost_type,amount,currency,fte,note\n"

EVERY_TYPE = ExtractSpec(
    source="test_every_type",
    folder="test/every_type",
    schema="raw_test",
    table="every_type",
    description="the every-type test extract",
    columns=(
        Column("record_id", required=True),
        Column("n", "int"),
        Column("x", "decimal"),
        Column("ok", "bool"),
        Column("d", "date", formats=("%d/%m/%Y",)),
        Column("ts", "timestamp"),
    ),
    key=("record_id",),
    time_zone="Europe/Madrid",
)


@pytest.fixture
def every_type(monkeypatch):
    from orchestration.ingest import expectations

    monkeypatch.setitem(extracts.EXTRACTS, EVERY_TYPE.source, EVERY_TYPE)
    monkeypatch.setitem(schema.RAW_TABLES, EVERY_TYPE.source, EVERY_TYPE.raw_table)
    monkeypatch.setitem(files.SOURCE_FILES, EVERY_TYPE.source, (EVERY_TYPE.folder, "*"))
    monkeypatch.setitem(expectations.SUITES, EVERY_TYPE.source, extracts.extract_suite(EVERY_TYPE))
    return EVERY_TYPE


def _load(con, landing: Path, source: str, **kw):
    schema.create_all(con)
    (result,) = load_source(con, landing, source, **kw)
    return result


def test_finance_costs_csv_loads_typed_rows(con, landing):
    write(
        landing,
        "finance/costs/costs-2026-10.csv",
        COSTS_HEADER
        + "2026-10-01,MAD,people,182000.50,EUR,41.5,\n"
        + "2026-10-01,MAD,platform,9000,EUR,,licences\n",
    )
    r = _load(con, landing, "finance_costs")
    assert (r.status, r.rows_in, r.rows_loaded, r.rows_quarantined) == ("loaded", 2, 2, 0)
    rows = con.execute(
        "SELECT month, site_id, cost_type, amount, fte, note, _row_number "
        "FROM raw_finance.monthly_costs ORDER BY _row_number"
    ).fetchall()
    assert rows == [
        (date(2026, 10, 1), "MAD", "people", 182000.5, 41.5, None, 2),
        (date(2026, 10, 1), "MAD", "platform", 9000.0, None, "licences", 3),
    ]


def test_columns_in_any_order_and_drift_kept_in_extra_fields(con, landing):
    write(
        landing,
        "finance/costs/c.csv",
        "Currency, Amount ,Month,Site_ID,Cost_Type,Cost Center\nEUR,10,2026-11-01,MAD,other,CC-7\n",
    )
    r = _load(con, landing, "finance_costs")
    assert r.rows_loaded == 1, r.message
    assert "optional column(s) absent, loaded as NULL: fte, note" in r.message
    assert "kept in extra_fields: Cost Center" in r.message
    row = con.execute(
        "SELECT amount, currency, fte, extra_fields FROM raw_finance.monthly_costs"
    ).fetchone()
    assert row == (10.0, "EUR", None, '{"Cost Center":"CC-7"}')


def test_missing_required_column_fails_the_file_with_the_column_named(con, landing):
    write(
        landing, "finance/costs/c.csv", "month,site_id,cost_type,currency\n2026-10-01,MAD,x,EUR\n"
    )
    r = _load(con, landing, "finance_costs")
    assert r.status == "failed"
    assert "finance/costs/c.csv" in r.message and "lacks required column(s) amount" in r.message


def test_bad_values_are_quarantined_with_line_field_and_value(con, landing):
    write(
        landing,
        "finance/costs/c.csv",
        COSTS_HEADER
        + "2026-10-01,MAD,people,1000,EUR,,\n"
        + "2026-10-01,MAD,platform,12.000,50,EUR,,\n"  # a decimal comma split the field
        + "01/10/2026,MAD,telephony,50,EUR,,\n"
        + "2026-10-01,,facilities,70,EUR,,\n"
        + "2026-10-01,MAD,other,7O,EUR,,\n",
    )
    r = _load(con, landing, "finance_costs")
    assert (r.rows_in, r.rows_loaded, r.rows_quarantined) == (5, 1, 4)
    reasons = dict(
        con.execute(
            "SELECT line_number, reason FROM raw_ingest.quarantine ORDER BY line_number"
        ).fetchall()
    )
    assert "expected 7 fields as in the header, found 8" in reasons[3]
    assert "field 'month' is not a date 'YYYY-MM-DD': '01/10/2026'" in reasons[4]
    assert "field 'site_id' is empty: it is required" in reasons[5]
    assert "field 'amount' is not a number with a '.' decimal point: '7O'" in reasons[6]


def test_contract_rejects_a_file_out_of_range_or_with_a_duplicate_key(con, landing):
    write(
        landing,
        "finance/costs/c.csv",
        COSTS_HEADER + "2026-10-01,MAD,people,-5,EUR,,\n2026-10-01,MAD,people,5,EUR,,\n",
    )
    r = _load(con, landing, "finance_costs")
    assert r.status == "rejected"
    assert "amount" in r.message and "unique" in r.message.lower()
    assert con.execute("SELECT count(*) FROM raw_finance.monthly_costs").fetchone() == (0,)


def test_every_type_and_time_zones(con, landing, every_type):
    write(
        landing,
        "test/every_type/a.csv",
        "record_id,n,x,ok,d,ts\n"
        "a,1,2.5,yes,2026-10-25,2026-10-25 09:00:00\n"  # local (Madrid, CET after the change)
        "b,-3,.5,N,24/10/2026,2026-10-24T09:00:00\n"  # local (CEST) with a T, other date format
        "c,,,,,2026-10-25T09:00:00Z\n"  # UTC
        "d,,1e3,TRUE,,2026-10-25T09:00:00+05:30\n"  # an offset
        "e,1.5,x,maybe,2026-02-30,yesterday\n",
    )
    r = _load(con, landing, every_type.source)
    assert (r.rows_loaded, r.rows_quarantined) == (4, 1), r.message
    rows = con.execute(
        "SELECT record_id, n, x, ok, d, ts FROM raw_test.every_type ORDER BY record_id"
    ).fetchall()
    assert rows == [
        ("a", 1, 2.5, True, date(2026, 10, 25), datetime(2026, 10, 25, 8, 0)),
        ("b", -3, 0.5, False, date(2026, 10, 24), datetime(2026, 10, 24, 7, 0)),
        ("c", None, None, None, None, datetime(2026, 10, 25, 9, 0)),
        ("d", None, 1000.0, True, None, datetime(2026, 10, 25, 3, 30)),
    ]
    (reason,) = con.execute("SELECT reason FROM raw_ingest.quarantine").fetchone()
    for text in (
        "field 'n' is not an integer: '1.5'",
        "field 'x' is not a number",
        "field 'ok' is not true/false: 'maybe'",
        "field 'd' is not a date 'YYYY-MM-DD' or %d/%m/%Y: '2026-02-30'",
        "field 'ts' is not a timestamp",
    ):
        assert text in reason, reason


def test_excel_workbook_is_read_like_its_csv(con, landing, every_type):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["record_id", "n", "x", "ok", "d", "ts"])
    ws.append(["a", 4, 1.25, True, date(2026, 11, 2), datetime(2026, 11, 2, 10, 30)])
    ws.append(["b", None, None, None, None, None])
    path = landing / "test/every_type/book.xlsx"
    path.parent.mkdir(parents=True)
    book.save(path)
    r = _load(con, landing, every_type.source)
    assert (r.rows_loaded, r.rows_quarantined) == (2, 0), r.message
    assert "Excel sheet 'Sheet' read as CSV" in r.message
    row = con.execute("SELECT n, x, ok, d, ts FROM raw_test.every_type WHERE record_id = 'a'")
    assert row.fetchone() == (4, 1.25, True, date(2026, 11, 2), datetime(2026, 11, 2, 9, 30))


def test_layout_rejects_a_header_naming_a_column_twice():
    with pytest.raises(UnreadableFile, match="more than once"):
        extract_layout(EVERY_TYPE, "record_id,n,N", "UTC")


def test_spec_declarations_are_checked():
    with pytest.raises(ValueError, match="type"):
        Column("a", "money")
    with pytest.raises(ValueError, match="unknown column"):
        ExtractSpec("s", "f", "raw_s", "t", "d", (Column("a"),), key=("b",))
    with pytest.raises(ValueError, match="declared twice"):
        extracts.register(ExtractSpec("finance_costs", "x", "raw_x", "t", "d", (Column("a"),)))
