"""Outbound campaigns: the dialer's attempt export (dials, connects, right party, dispositions)."""

from orchestration.ingest.extracts import Column, ExtractSpec, register

RESULTS = ("connected", "no_answer", "busy", "voicemail", "invalid_number", "failed")
DISPOSITIONS = ("sale", "callback", "not_interested", "wrong_party", "do_not_call", "other")

ATTEMPTS = ExtractSpec(
    source="outbound_attempts",
    folder="outbound/attempts",
    schema="raw_outbound",
    table="attempts",
    description="the dialer's attempt export (outbound campaigns)",
    columns=(
        Column("attempt_id", required=True),
        Column("campaign_id", required=True),
        Column("list_id"),
        Column("lead_id", required=True),
        Column("phone_number", doc="number dialled (PII, hashed in staging)"),
        Column("attempt_number", "int", min=1),
        Column("attempt_at", "timestamp", required=True),
        Column("result", required=True, values=RESULTS),
        Column("agent_id", doc="ACD login of the agent of a connected call"),
        Column("answered_at", "timestamp"),
        Column("ended_at", "timestamp"),
        Column("talk_seconds", "int", min=0),
        Column("wrapup_seconds", "int", min=0),
        Column("is_right_party", "bool", doc="the agent reached the decision maker"),
        Column("disposition", values=DISPOSITIONS),
        Column("sale_amount", "decimal", min=0),
    ),
    key=("attempt_id",),
    ordered=(("answered_at", "attempt_at"), ("ended_at", "answered_at")),
)

register(ATTEMPTS)
