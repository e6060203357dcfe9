"""The fast simulator: companions in parallel lanes (same files for any --jobs), and the
shortcuts that replaced library calls write exactly what the library wrote (DECISIONS.md
D170-D172)."""

from __future__ import annotations

import hashlib
import io
import random
import re
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from orchestration.simulator import simulate
from orchestration.simulator import simulation as simulation_module
from orchestration.simulator.companions import companion_factories
from orchestration.simulator.companions._xlsx import write_xlsx
from orchestration.simulator.lanes import importable, plan_lanes
from orchestration.simulator.writers import LocalClock, _q, cdr_row, clock_text


def files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_every_file_is_the_same_whatever_the_jobs(tmp_path: Path) -> None:
    # Thursday to the next Saturday: weekly files (digital, quality, WFM) close mid-run
    kwargs = dict(days=10, agents=14, seed=5, start=date(2026, 10, 29), progress=False)
    one = simulate(tmp_path / "one", jobs=1, **kwargs)
    three = simulate(tmp_path / "three", jobs=3, **kwargs)
    a, b = files(tmp_path / "one"), files(tmp_path / "three")
    assert len(a) > 60 and a == b
    assert [p.relative_to(tmp_path / "one") for p in one.files] == [
        p.relative_to(tmp_path / "three") for p in three.files
    ]
    # and three jobs did run companions in two worker processes
    assert len(plan_lanes(companion_factories(), 3)) == 3


def test_lanes_balance_the_companions_and_keep_local_ones_here() -> None:
    factories = companion_factories()
    assert all(importable(make) for _, make in factories)
    one = plan_lanes(factories, 1)
    assert len(one) == 1 and [n for n, _ in one[0]] == [n for n, _ in factories]
    two = plan_lanes(factories, 2)
    names = [[n for n, _ in lane] for lane in two]
    assert sorted(n for lane in names for n in lane) == sorted(n for n, _ in factories)
    assert "crm" in names[1]  # the costliest companion away from the PBX's process

    class Local:  # a test's own companion: a worker could not import it
        def __init__(self, ctx):
            pass

    assert not importable(Local)
    lanes = plan_lanes([*factories, ("local", Local)], 4)
    assert ("local", Local) in lanes[0]


def _boom(ctx):
    class Boom:
        def on_day(self, day, plans, output):
            if day.day == 7:
                raise ValueError("boom on the 7th")

        def finish(self):
            return []

    return Boom()


def test_a_failing_companion_in_a_worker_fails_the_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(simulation_module, "companion_factories", lambda: [("boom", _boom)])
    monkeypatch.setattr(simulation_module, "PARALLEL_AGENT_DAYS", 0)
    assert len(plan_lanes([("boom", _boom)], 2)) == 2
    with pytest.raises(RuntimeError, match=r"(?s)companions boom failed.*boom on the 7th"):
        simulate(tmp_path, days=4, agents=4, start=date(2026, 10, 5), jobs=2, progress=False)


# ------------------------------------------------------------------ shortcuts = the library


def _openpyxl_xlsx(path: Path, header: list, rows: list, day: date) -> bytes:
    """The CRM's Excel export as written before the lean writer (openpyxl, re-stamped)."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Opportunities")
    ws.append(header)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = f"{day:%Y-%m-%d}T06:00:00Z"
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + stamp.encode() + m.group(3),
                    data,
                )
            entry = zipfile.ZipInfo(
                info.filename, date_time=(day.year, day.month, day.day, 6, 0, 0)
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(entry, data)
    return path.read_bytes()


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [["OPP-0000001", "", "CUS-A388E2F5B5", "1791180251.3906", "2026-10-05T06:06:25Z",
          "won", "2026-10-07T10:00:00Z", 239.06, "EUR", "pack_hogar", "Agent/1023", "WEB-X"]],
        [["a", 1, 0.1, 1e20, -3.5, 1 / 3, 12345678901234567890, "x y", "b@c.d"]],
        # values the lean writer leaves to openpyxl
        [["R&D <ops>", " leading", "trailing ", "=SUM(A1)", None, True, "ñandú", 2.0]],
    ],
)  # fmt: skip
def test_lean_xlsx_writes_openpyxl_bytes(tmp_path: Path, rows: list) -> None:
    header = ["opportunity_id", "lead_id", "crm_customer_id", "call_id", "created_at",
              "stage", "closed_at", "amount", "currency", "product", "owner_agent_id",
              "campaign"]  # fmt: skip
    day = date(2026, 10, 5)
    lean = write_xlsx(tmp_path / "lean.xlsx", "Opportunities", header, rows, day).read_bytes()
    assert lean == _openpyxl_xlsx(tmp_path / "openpyxl.xlsx", header, rows, day)
    sheet = openpyxl.load_workbook(tmp_path / "lean.xlsx", read_only=True)["Opportunities"]
    assert len(list(sheet.iter_rows())) == 1 + len(rows)


def test_clock_text_is_strftime() -> None:
    rng = random.Random(1)
    epochs = [0, -1, 86399, 86400, 951782400, 1791180251, 4102444799]
    epochs += [rng.randrange(-(10**9), 5 * 10**9) for _ in range(20_000)]
    for t in epochs:
        assert clock_text(t) == time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))
        assert clock_text(t, "T") == time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))


@pytest.mark.parametrize("zone", ["Europe/Madrid", "America/New_York", "Asia/Kolkata", "UTC"])
def test_local_iso_is_datetime_isoformat(zone: str) -> None:
    clock = LocalClock(zone)
    rng = random.Random(2)
    # every quarter hour around both 2026 clock changes, then random instants
    epochs = [1774746000 + k * 900 for k in range(-20, 20)]
    epochs += [1792890000 + k * 900 for k in range(-20, 20)]
    epochs += [rng.randrange(1_600_000_000, 1_900_000_000) for _ in range(5_000)]
    for t in epochs:
        assert clock.local_iso(t) == datetime.fromtimestamp(t, clock.tz).isoformat("T", "seconds")


def _cdr_row_by_fields(clock: LocalClock, **f) -> str:
    """cdr_row as it was written before its one-f-string path: every field quoted alone."""
    src, answer, start, end = f["src"], f["answer"], f["start"], f["end"]
    clid = '"Anonymous" <anonymous>' if src == "anonymous" else f'"{src}" <{src}>'
    fields = [
        _q(""), _q(src), _q(f["dst"]), _q(f["dcontext"]), _q(clid), _q(f["channel"]),
        _q(f["dstchannel"]), _q(f["lastapp"]), _q(f["lastdata"]), _q(clock.local_str(start)),
        _q(clock.local_str(answer)) if answer is not None else "", _q(clock.local_str(end)),
        str(end - start), str(end - answer if answer is not None else 0), _q(f["disposition"]),
        _q("DOCUMENTATION"), _q(f["uniqueid"]), _q(f["userfield"]), _q(""), _q(f["uniqueid"]),
        str(f["sequence"]),
    ]  # fmt: skip
    return ",".join(fields) + "\n"


@pytest.mark.parametrize("userfield", ["", "QUEUESTATUS=FULL", 'say "hi"'])
@pytest.mark.parametrize("src", ["612345678", "anonymous"])
@pytest.mark.parametrize("answer", [None, 1791180270])
def test_cdr_row_quotes_every_field_as_cdr_csv(userfield: str, src: str, answer) -> None:
    clock = LocalClock("Europe/Madrid")
    f = dict(
        src=src, dst="6001", dcontext="ext-queues", channel="PJSIP/trunk-orange-00000f3a",
        dstchannel="PJSIP/1001-00000f3b", lastapp="Queue", lastdata="sales,t,,,600",
        start=1791180251, answer=answer, end=1791180555, disposition="ANSWERED",
        uniqueid="1791180251.3898", userfield=userfield, sequence=17,
    )  # fmt: skip
    assert cdr_row(clock=clock, **f) == _cdr_row_by_fields(clock, **f)
