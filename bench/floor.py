"""The physical floor: DuckDB reading every landing file once, nothing else.

`python -m bench.floor LANDING_DIR` prints one JSON object: rows and bytes per source.
The Asterisk files are read with DuckDB's CSV reader as raw text columns (no parsing
beyond splitting on the delimiter), which is the least any loader must do.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb


def _files(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.glob("*") if p.is_file())


def read_floor(landing: Path) -> dict[str, object]:
    con = duckdb.connect()
    con.execute("set threads = 2")
    started = time.perf_counter()
    out: dict[str, object] = {}
    total_rows = 0
    total_bytes = 0
    queue_log_cols = {f"c{i}": "VARCHAR" for i in range(10)}  # epoch|callid|...|data5
    cdr_cols = {f"c{i}": "VARCHAR" for i in range(21)}  # cdr_csv, newcdrcolumns=yes
    for name, folder, options in (
        (
            "queue_log",
            landing / "asterisk" / "queue_log",
            f"delim='|', quote='', escape='', columns={queue_log_cols}",
        ),
        (
            "cdr",
            landing / "asterisk" / "cdr",
            f"delim=',', quote='\"', escape='\"', columns={cdr_cols}",
        ),
    ):
        files = _files(folder)
        if not files:
            continue
        # split every line of every file into text columns; count rows and characters so
        # that nothing is skipped
        row = con.execute(
            f"""
            select count(*), sum(length(concat_ws('|', columns(*))))
            from read_csv({files!r}, header=false, {options}, null_padding=true,
                          strict_mode=false, auto_detect=false) as t
            """
        ).fetchone()
        rows = int(row[0])
        size = sum(Path(f).stat().st_size for f in files)
        out[name] = {"files": len(files), "rows": rows, "bytes": size}
        total_rows += rows
        total_bytes += size
    out["rows"] = total_rows
    out["bytes"] = total_bytes
    out["seconds"] = time.perf_counter() - started
    return out


if __name__ == "__main__":
    print(json.dumps(read_floor(Path(sys.argv[1]))))
