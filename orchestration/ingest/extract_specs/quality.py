"""Quality: the QA tool's evaluations and coaching sessions."""

from orchestration.ingest.extracts import Column, ExtractSpec, register

EVALUATIONS = ExtractSpec(
    source="quality_evaluations",
    folder="quality/evaluations",
    schema="raw_quality",
    table="evaluations",
    description="the QA evaluation export",
    columns=(
        Column("evaluation_id", required=True),
        Column("contact_id", required=True, doc="PBX uniqueid or ticket id of the contact"),
        Column("channel", values=("voice", "chat", "email", "sms", "social")),
        Column("agent_id", required=True),
        Column("evaluator_id"),
        Column("evaluated_at", "timestamp", required=True),
        Column("form_name"),
        Column("greeting_score", "decimal", min=0, max=100),
        Column("verification_score", "decimal", min=0, max=100),
        Column("resolution_score", "decimal", min=0, max=100),
        Column("compliance_score", "decimal", min=0, max=100),
        Column("soft_skills_score", "decimal", min=0, max=100),
        Column("score", "decimal", required=True, min=0, max=100),
        Column("pass_threshold", "decimal", min=0, max=100),
        Column("auto_fail", "bool"),
    ),
    key=("evaluation_id",),
)

COACHING = ExtractSpec(
    source="quality_coaching",
    folder="quality/coaching",
    schema="raw_quality",
    table="coaching_sessions",
    description="the coaching session export",
    columns=(
        Column("session_id", required=True),
        Column("agent_id", required=True),
        Column("coach_id"),
        Column("started_at", "timestamp", required=True),
        Column("duration_minutes", "decimal", required=True, min=0, max=480),
        Column("topic"),
        Column("trigger", values=("qa_fail", "scheduled", "kpi", "other")),
        Column("evaluation_id", doc="the evaluation that triggered it"),
    ),
    key=("session_id",),
)

register(EVALUATIONS, COACHING)
