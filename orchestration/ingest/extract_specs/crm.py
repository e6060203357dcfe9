"""CRM: customer accounts, web-form leads, opportunities and sales, cases and the calls logged
on them (the nightly "modified since" reports a CRM exports; opportunities as Excel)."""

from orchestration.ingest.extracts import Column, ExtractSpec, register

CASE_STATUSES = ("open", "pending", "reopened", "resolved", "closed")
LEAD_STATUSES = ("new", "junk", "unreachable", "not_interested", "qualified", "converted")
OPPORTUNITY_STAGES = ("open", "won", "lost")
# A daily "modified since" export follows the center's week: a closed day's file holds a few
# back-office changes, the first accounts file is a full snapshot (DECISIONS.md D91).
DAILY_CHANGES = (
    "a CRM's daily modified-since export follows the center's week (a closed day's file holds "
    "a few back-office changes; the first accounts file is a full snapshot), so files are not "
    "comparable by size"
)

CUSTOMERS = ExtractSpec(
    source="crm_customers",
    folder="crm/customers",
    schema="raw_crm",
    table="customers",
    description="the CRM accounts export (a full snapshot, then accounts modified per day)",
    columns=(
        Column("crm_customer_id", required=True, doc="CRM account id"),
        Column("phone", doc="phone number as the customer gave it (PII: hashed in staging)"),
        Column("email", doc="e-mail address (PII: hashed in staging)"),
        Column("first_name", doc="PII: dropped in staging"),
        Column("last_name", doc="PII: dropped in staging"),
        Column("segment", doc="consumer, small_business, premium..."),
        Column("created_at", "timestamp", doc="when the account was created"),
        Column("modified_at", "timestamp", required=True, doc="last change of the account"),
    ),
    key=("crm_customer_id",),
    volume_not_comparable=DAILY_CHANGES,
)

LEADS = ExtractSpec(
    source="crm_leads",
    folder="crm/leads",
    schema="raw_crm",
    table="leads",
    description="the CRM web-form leads export (one file per day of submission)",
    columns=(
        Column("lead_id", required=True),
        Column("submitted_at", "timestamp", required=True, doc="web form submitted"),
        Column("created_in_crm_at", "timestamp", doc="lead record created in the CRM"),
        Column("first_call_at", "timestamp", doc="first call attempt by an agent"),
        Column("first_call_agent_id", doc="agent who made the first call"),
        Column("call_attempts", "int", min=0),
        Column("campaign"),
        Column("source", doc="web_form, google_ads, meta_ads, partner..."),
        Column("status", required=True, values=LEAD_STATUSES),
        Column("phone", doc="PII: hashed in staging"),
        Column("email", doc="PII: hashed in staging"),
        Column("crm_customer_id", doc="the account the lead matched, if any"),
    ),
    key=("lead_id",),
    ordered=(("created_in_crm_at", "submitted_at"), ("first_call_at", "created_in_crm_at")),
)

OPPORTUNITIES = ExtractSpec(
    source="crm_opportunities",
    folder="crm/opportunities",
    schema="raw_crm",
    table="opportunities",
    description="the CRM opportunities report (Excel; won ones are the closed sales)",
    columns=(
        Column("opportunity_id", required=True),
        Column("lead_id", doc="the web-form lead it came from, if any"),
        Column("crm_customer_id"),
        Column("call_id", doc="the inbound call it came from, if any (PBX uniqueid)"),
        Column("created_at", "timestamp", required=True),
        Column("stage", required=True, values=OPPORTUNITY_STAGES),
        Column("closed_at", "timestamp"),
        Column("amount", "decimal", min=0, doc="sale amount of a won opportunity"),
        Column("currency"),
        Column("product"),
        Column("owner_agent_id"),
        Column("campaign"),
    ),
    key=("opportunity_id",),
    volume_not_comparable=DAILY_CHANGES,
    ordered=(("closed_at", "created_at"),),
)

CASES = ExtractSpec(
    source="crm_cases",
    folder="crm/cases",
    schema="raw_crm",
    table="cases",
    description="the CRM cases export (cases modified that day, in their state at day end)",
    columns=(
        Column("case_id", required=True),
        Column("crm_customer_id"),
        Column("opened_at", "timestamp", required=True),
        Column("channel", doc="channel the case was opened on"),
        Column("category"),
        Column("priority"),
        Column("status", required=True, values=CASE_STATUSES),
        Column("resolved_at", "timestamp", doc="last resolution (empty while open)"),
        Column("reopened_at", "timestamp", doc="last reopening"),
        Column("reopen_count", "int", min=0),
        Column("origin_call_id", doc="the call that opened the case (PBX uniqueid)"),
        Column("owner_agent_id"),
        Column("modified_at", "timestamp", required=True),
    ),
    key=("case_id",),
    volume_not_comparable=DAILY_CHANGES,
    ordered=(("resolved_at", "opened_at"), ("modified_at", "opened_at")),
)

CASE_CALLS = ExtractSpec(
    source="crm_case_calls",
    folder="crm/case_calls",
    schema="raw_crm",
    table="case_calls",
    description="the CRM call activities export (calls logged on cases)",
    columns=(
        Column("activity_id", required=True),
        Column("case_id", required=True),
        Column("call_id", required=True, doc="PBX uniqueid of the call"),
        Column("agent_id"),
        Column("logged_at", "timestamp", required=True),
        Column("outcome", required=True, values=("resolved", "pending", "escalated")),
    ),
    key=("activity_id",),
    volume_not_comparable=DAILY_CHANGES,
)

register(CUSTOMERS, LEADS, OPPORTUNITIES, CASES, CASE_CALLS)
