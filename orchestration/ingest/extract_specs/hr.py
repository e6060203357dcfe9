"""HR: the roster history (employments with hire and leave dates, team, site)."""

from orchestration.ingest.extracts import Column, ExtractSpec, register

ROSTER_HISTORY = ExtractSpec(
    source="hr_roster_history",
    folder="hr/roster_history",
    schema="raw_hr",
    table="roster_history",
    description="the HR roster history export",
    columns=(
        Column("employee_id", required=True),
        Column("agent_id", doc="ACD login (Agent/1001); empty for staff without one"),
        Column("full_name", doc="PII: not carried past staging"),
        Column("team"),
        Column("site_id", required=True),
        Column("role"),
        Column("contract"),
        Column("hire_date", "date", required=True),
        Column("leave_date", "date"),
        Column("leave_reason", values=("voluntary", "involuntary", "other")),
    ),
    key=("employee_id",),
    ordered=(("leave_date", "hire_date"),),
)

register(ROSTER_HISTORY)
