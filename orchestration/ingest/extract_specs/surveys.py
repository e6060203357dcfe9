"""Surveys after contacts: invitations, responses (CSAT 1-5, NPS 0-10, CES 1-7) and the
follow-ups of detractors (closed loop), as a survey tool exports them."""

from orchestration.ingest.extracts import Column, ExtractSpec, register

# Survey files follow the contacts of their day (none on a closed day): not comparable by size.
BY_CONTACTS = (
    "survey files follow the contacts of their day (none on a day the center is closed), so "
    "files are not comparable by size"
)

INVITATIONS = ExtractSpec(
    source="survey_invitations",
    folder="surveys/invitations",
    schema="raw_surveys",
    table="invitations",
    description="the survey tool's invitations export",
    columns=(
        Column("invitation_id", required=True),
        Column("call_id", doc="PBX uniqueid (or contact id) the survey is about"),
        Column("crm_customer_id"),
        Column("channel", doc="sms or email"),
        Column("sent_at", "timestamp", required=True),
        Column("survey", doc="survey programme, e.g. post_call"),
    ),
    key=("invitation_id",),
    volume_not_comparable=BY_CONTACTS,
)

RESPONSES = ExtractSpec(
    source="survey_responses",
    folder="surveys/responses",
    schema="raw_surveys",
    table="responses",
    description="the survey tool's responses export",
    columns=(
        Column("response_id", required=True),
        Column("invitation_id", required=True),
        Column("responded_at", "timestamp", required=True),
        Column("csat", "int", min=1, max=5, doc="1-5, 5 = very satisfied"),
        Column("nps", "int", min=0, max=10, doc="likelihood to recommend, 0-10"),
        Column("ces", "int", min=1, max=7, doc="ease, 1-7, 7 = very easy"),
        Column("comment"),
    ),
    key=("response_id",),
    volume_not_comparable=BY_CONTACTS,
)

FOLLOW_UPS = ExtractSpec(
    source="survey_follow_ups",
    folder="surveys/follow_ups",
    schema="raw_surveys",
    table="follow_ups",
    description="the survey tool's closed-loop follow-ups of detractors",
    columns=(
        Column("follow_up_id", required=True),
        Column("response_id", required=True),
        Column("created_at", "timestamp", required=True),
        Column("contacted_at", "timestamp", doc="first contact with the customer"),
        Column("method", doc="call_back or email"),
        Column("agent_id"),
        Column("outcome"),
    ),
    key=("follow_up_id",),
    volume_not_comparable=BY_CONTACTS,
    ordered=(("contacted_at", "created_at"),),
)

register(INVITATIONS, RESPONSES, FOLLOW_UPS)
