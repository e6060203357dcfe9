"""Amazon Connect historical metrics reports: the platform's own 30-minute aggregates per queue
and per agent (CSV as the console's "Download CSV" writes it).

They are not contacts, so they never feed the contact facts: they are loaded to check the
warehouse's KPI definitions against the vendor's (`dq_vendor_metric_checks`): the vendor's
computed averages and percentages next to what our formulas give from the vendor's own
components in the same row. Every column of the report is kept (the undeclared ones in
`extra_fields`).
"""

from orchestration.ingest.extracts import Column, ExtractSpec, register


def _seconds(name: str, header: str) -> Column:
    return Column(name, "decimal", min=0, header=header)


def _count(name: str, header: str) -> Column:
    return Column(name, "int", min=0, header=header)


_INTERVAL = (
    Column("interval_start", "timestamp", required=True, header="StartInterval"),
    Column("interval_end", "timestamp", required=True, header="EndInterval"),
)
_COMMON = (
    _seconds("after_contact_work_seconds", "After contact work time"),
    _seconds("agent_on_contact_seconds", "Agent on contact time"),
    _seconds("agent_idle_seconds", "Agent idle time"),
    _seconds("customer_hold_seconds", "Customer hold time"),
    _seconds("agent_interaction_seconds", "Agent interaction time"),
    _seconds("agent_interaction_and_hold_seconds", "Agent interaction and hold time"),
    _seconds("contact_handle_seconds", "Contact handle time"),
    _seconds("avg_after_contact_work_seconds", "Average after contact work time"),
    _seconds("avg_handle_seconds", "Average handle time"),
    _seconds("avg_customer_hold_seconds", "Average customer hold time"),
    _seconds("avg_agent_interaction_seconds", "Average agent interaction time"),
    _seconds(
        "avg_interaction_and_hold_seconds", "Average agent interaction and customer hold time"
    ),
    _count("contacts_handled", "Contacts handled"),
    _count("contacts_handled_incoming", "Contacts handled incoming"),
    _count("contacts_handled_outbound", "Contacts handled outbound"),
    _count("contacts_put_on_hold", "Contacts put on hold"),
    _count("contacts_queued", "Contacts queued"),
    _count("contacts_transferred_out", "Contacts transferred out"),
    _count("contacts_missed", "Contacts missed"),
    Column("occupancy", "percent", min=0, max=1, header="Occupancy"),
    Column("agent_answer_rate", "percent", min=0, max=1, header="Agent answer rate"),
)

QUEUE_INTERVALS = ExtractSpec(
    source="amazon_connect_queue_intervals",
    folder="amazon_connect/historical_metrics/queue",
    schema="raw_amazon_connect",
    table="queue_intervals",
    description="an Amazon Connect queue historical metrics report",
    columns=(
        Column("queue", required=True, header="Queue"),
        *_INTERVAL,
        *_COMMON,
        _seconds("avg_queue_answer_seconds", "Average queue answer time"),
        _seconds("avg_queue_abandon_seconds", "Average queue abandon time"),
        _count("contacts_abandoned", "Contacts abandoned"),
        _count("contacts_incoming", "Contacts Incoming"),
        _count("contacts_answered_in_20_seconds", "Contacts answered in 20 seconds"),
        _count("contacts_answered_in_60_seconds", "Contacts answered in 60 seconds"),
        _count("contacts_abandoned_in_20_seconds", "Contacts abandoned in 20 seconds"),
        _count("contacts_abandoned_in_60_seconds", "Contacts abandoned in 60 seconds"),
        Column(
            "service_level_20_seconds", "percent", min=0, max=1, header="Service level 20 seconds"
        ),
        Column(
            "service_level_60_seconds", "percent", min=0, max=1, header="Service level 60 seconds"
        ),
    ),
    key=("queue", "interval_start"),
    ordered=(("interval_end", "interval_start"),),
)

AGENT_INTERVALS = ExtractSpec(
    source="amazon_connect_agent_intervals",
    folder="amazon_connect/historical_metrics/agent",
    schema="raw_amazon_connect",
    table="agent_intervals",
    description="an Amazon Connect agent historical metrics report",
    columns=(
        Column("agent", required=True, header="Agent"),
        *_INTERVAL,
        Column("agent_name", header="Agent Name"),
        *_COMMON,
        _seconds("nonproductive_seconds", "Nonproductive time"),
        _seconds("online_seconds", "Online time"),
        _seconds("error_status_seconds", "Error status time"),
        _seconds("break_seconds", "Break time"),
        _seconds("lunch_seconds", "Lunch time"),
        _seconds("training_seconds", "Training time"),
        _seconds("meeting_seconds", "Meeting time"),
    ),
    key=("agent", "interval_start"),
    ordered=(("interval_end", "interval_start"),),
)

register(QUEUE_INTERVALS, AGENT_INTERVALS)
