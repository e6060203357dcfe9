"""Digital channels: the help desk's ticket export (chat, e-mail, SMS, social conversations)."""

from orchestration.ingest.extracts import Column, ExtractSpec, register

CHANNELS = ("chat", "email", "sms", "social")
STATUSES = ("new", "open", "pending", "solved", "closed", "missed")

TICKETS = ExtractSpec(
    source="digital_contacts",
    folder="digital/contacts",
    schema="raw_digital",
    table="contacts",
    description="the help desk's ticket export (digital channels)",
    columns=(
        Column("ticket_id", required=True, doc="help-desk ticket or conversation id"),
        Column("channel", required=True, values=CHANNELS),
        Column("via", doc="the help desk's own channel label (web_widget, twitter, ...)"),
        Column("status", required=True, values=STATUSES, doc="state at export time"),
        Column("requester_email", doc="customer e-mail (PII, hashed in staging)"),
        Column("requester_phone", doc="customer phone (PII, hashed in staging)"),
        Column("requester_handle", doc="customer social handle (PII, hashed in staging)"),
        Column("external_id", doc="the requester's CRM account id"),
        Column("group_name", doc="help-desk group = queue id"),
        Column("assignee_id", doc="ACD login of the agent (Agent/1001)"),
        Column("created_at", "timestamp", required=True),
        Column("assigned_at", "timestamp", doc="an agent accepted or was assigned"),
        Column("first_response_at", "timestamp", doc="first public reply of an agent"),
        Column("solved_at", "timestamp", doc="solved; for a missed chat, when it ended"),
        Column("handle_seconds", "int", min=0, doc="agent seconds (chat: shared by concurrency)"),
        Column("concurrency", "int", min=1, max=10, doc="chats the agent held at assignment"),
        Column("messages", "int", min=0),
    ),
    key=("ticket_id",),
    ordered=(
        ("assigned_at", "created_at"),
        ("first_response_at", "created_at"),
        ("solved_at", "created_at"),
    ),
)

register(TICKETS)
