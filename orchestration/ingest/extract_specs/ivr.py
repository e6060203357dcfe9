"""Self-service: the IVR's session export (menu path per call, contained or transferred)."""

from orchestration.ingest.extracts import Column, ExtractSpec, register

OUTCOMES = ("contained", "transferred")
END_REASONS = ("completed", "caller_hangup", "transferred", "error", "timeout")

SESSIONS = ExtractSpec(
    source="ivr_sessions",
    folder="ivr/sessions",
    schema="raw_ivr",
    table="sessions",
    description="the IVR session export (self-service)",
    columns=(
        Column("session_id", required=True),
        Column("pbx_uniqueid", doc="the PBX call's uniqueid when transferred to a queue"),
        Column("caller_number", doc="caller id (PII, hashed in staging)"),
        Column("dnis", doc="number dialled (entry point)"),
        Column("started_at", "timestamp", required=True),
        Column("ended_at", "timestamp", required=True),
        Column("node_path", required=True, doc="menu nodes visited, joined by '>'"),
        Column("nodes_visited", "int", min=1),
        Column("exit_node"),
        Column("outcome", required=True, values=OUTCOMES),
        Column("end_reason", values=END_REASONS),
        Column("transfer_queue", doc="queue the call was sent to"),
        Column("intent", doc="what the caller asked for"),
    ),
    key=("session_id",),
    ordered=(("ended_at", "started_at"),),
)

register(SESSIONS)
