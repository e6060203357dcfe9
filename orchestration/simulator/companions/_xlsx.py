"""A lean .xlsx writer for one-sheet exports: the same bytes as openpyxl's write-only
workbook, without openpyxl's per-cell XML machinery (building the CRM's daily Excel export
cell by cell through openpyxl was a tenth of the whole simulation).

openpyxl writes the workbook once (cached per sheet name) to take every part but the sheet's
rows; the rows are written here as openpyxl's write-only writer serializes them (xml.etree,
no lxml): strings as inline strings, ``""`` as an empty inline-string cell, numbers as
``"%.16g"``. Values it does not write this way (None, booleans, dates, text that needs XML
escaping or starts with ``=``) send the whole file through openpyxl, so the output is always
openpyxl's. The zip is stamped with the export day (entries and docProps/core.xml), so a file
is byte-for-byte the same for the same rows.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from openpyxl.utils import get_column_letter

# text written verbatim by xml.etree (no escaping, no xml:space="preserve")
_PLAIN = re.compile(r"[A-Za-z0-9_.:/@+\-][A-Za-z0-9_.:/@+\- ]*(?<! )\Z")
_CORE_STAMPS = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


@functools.cache
def _template(sheet: str) -> tuple[list[tuple[str, bytes]], bytes, bytes]:
    """openpyxl's parts of a one-sheet workbook (in its zip order), and the sheet part's text
    before and after the rows."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(["x"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as src:
        parts = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    body = dict(parts)["xl/worksheets/sheet1.xml"]
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    if body.count(row) != 1:
        raise RuntimeError("openpyxl's sheet layout changed: the lean xlsx writer needs a look")
    head, tail = body.split(row)
    return parts, head, tail


def _row_xml(index: int, values: Sequence[object], columns: list[str]) -> str | None:
    """One ``<row>`` as openpyxl writes it, or None for a value it would write otherwise."""
    cells = []
    for column, value in zip(columns, values, strict=False):
        ref = f"{column}{index}"
        if isinstance(value, str):
            if value == "":
                cells.append(f'<c r="{ref}" t="inlineStr" />')
            elif _PLAIN.match(value):
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                return None
        elif isinstance(value, int | float) and not isinstance(value, bool):
            text = f"{value:.16g}"  # openpyxl's safe_string: "%.16g" % value
            if text in ("nan", "inf", "-inf"):
                return None
            cells.append(f'<c r="{ref}" t="n"><v>{text}</v></c>')
        else:
            return None
    return f'<row r="{index}">{"".join(cells)}</row>'


def _sheet_rows(header: Sequence[object], rows: Sequence[Sequence[object]]) -> str | None:
    width = max([len(header), *(len(r) for r in rows)])
    columns = [get_column_letter(i + 1) for i in range(width)]
    out = []
    for index, values in enumerate([header, *rows], start=1):
        row = _row_xml(index, values, columns)
        if row is None:
            return None
        out.append(row)
    return "".join(out)


def _openpyxl_parts(
    sheet: str, header: Sequence[object], rows: Sequence[Sequence[object]]
) -> list[tuple[str, bytes]]:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as src:
        return [(info.filename, src.read(info.filename)) for info in src.infolist()]


def write_xlsx(
    path: Path,
    sheet: str,
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    day: date,
) -> Path:
    """`header` and `rows` as the one sheet `sheet` of the workbook `path`, stamped 06:00 UTC
    of `day` (openpyxl stamps the save time into docProps/core.xml and the zip entries)."""
    sheet_rows = _sheet_rows(header, rows)
    if sheet_rows is None:
        parts = _openpyxl_parts(sheet, header, rows)
    else:
        template, head, tail = _template(sheet)
        body = head + sheet_rows.encode() + tail
        parts = [
            (name, body if name == "xl/worksheets/sheet1.xml" else data) for name, data in template
        ]
    stamp = f"{day:%Y-%m-%d}T06:00:00Z".encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = _CORE_STAMPS.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            entry = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 6, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(entry, data)
    return path
