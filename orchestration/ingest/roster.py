"""The agent roster (``roster/agents.csv``): a full snapshot, one row per agent.

The roster is exported by people, not by a PBX, so its header is required and columns are found
by name (any order; other columns are kept in ``extra_fields`` as JSON); a changed file replaces
the earlier snapshot through the ledger like any other file.
"""

from __future__ import annotations

from .asterisk import extra_fields_json, header_names, parse_header
from .reader import Dialect, Layout, UnreadableFile, date_problem, date_value, lit, nonempty

ROSTER_COLUMNS = ("agent_id", "agent_name", "team", "site_id", "role", "hire_date", "leave_date")
_SLACK = 2


def roster_layout(first_line: str | None) -> tuple[Layout, str]:
    header = parse_header(first_line or "")
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        raise UnreadableFile(
            f"the roster header lacks column(s) {', '.join(missing)}: the first line must be "
            f"'{','.join(ROSTER_COLUMNS)}' (any order); found {first_line!r}"
        )
    f = {name: f"f{header.index(name) + 1}" for name in ROSTER_COLUMNS}
    values = {name: nonempty(f[name]) for name in ROSTER_COLUMNS[:5]}
    values.update(hire_date="hire_date", leave_date="leave_date")
    h = len(header)
    expected = f"expected {h} fields as in the header"
    original = header_names(first_line or "")
    extra = [(i, original[i - 1]) for i, c in enumerate(header, start=1) if c not in ROSTER_COLUMNS]
    values["extra_fields"] = extra_fields_json(extra)
    layout = Layout(
        description="the agent roster CSV",
        dialect=Dialect(delim=",", quote='"'),
        fields_read=h + _SLACK,
        header_lines=1,
        count_problem=(
            f"CASE WHEN n_fields <> {h} THEN {lit(expected + ', found ')} || n_fields END"
        ),
        field_problems=(
            date_problem(f["hire_date"], "hire_date", "hire_date"),
            date_problem(f["leave_date"], "leave_date", "leave_date"),
        ),
        values=values,
        too_many_fields=f"{expected}, found more than {h + _SLACK}",
        derived={
            "hire_date": date_value(f["hire_date"]),
            "leave_date": date_value(f["leave_date"]),
        },
        min_fields=h,
    )
    note = "agent roster" + (
        f" (kept in extra_fields: {', '.join(n for _, n in extra)})" if extra else ""
    )
    return layout, note
