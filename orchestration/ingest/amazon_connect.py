"""Amazon Connect contact trace records (CTR) -> ``raw_amazon_connect.contact_trace_records``.

One row per record as delivered (a record may arrive several times, updated: staging keeps the
latest ``LastUpdateTimestamp`` per ContactId). The key fields are flattened into typed columns;
the whole record stays in ``record_json``, so a field not flattened today is not lost.
Timestamps are ISO 8601 UTC (``2019-02-27T08:19:22Z``); durations are whole seconds.

A record without a ContactId is not a contact trace record: it is quarantined with a reason
that names what it looks like (Amazon Connect's agent event stream, which a center may export
to the same bucket, has ``AgentARN`` and ``EventType``).
"""

from __future__ import annotations

from .reader import lit
from .records import (
    RecordLayout,
    iso_timestamp_problem,
    iso_timestamp_value,
    json_int_problem,
    json_int_value,
    json_text,
)

# raw column -> JSONPath in the record
_TEXT = {
    "contact_id": "$.ContactId",
    "initial_contact_id": "$.InitialContactId",
    "previous_contact_id": "$.PreviousContactId",
    "next_contact_id": "$.NextContactId",
    "channel": "$.Channel",
    "initiation_method": "$.InitiationMethod",
    "disconnect_reason": "$.DisconnectReason",
    "transferred_to_endpoint": "$.TransferredToEndpoint.Address",
    "queue_name": "$.Queue.Name",
    "queue_arn": "$.Queue.ARN",
    "agent_username": "$.Agent.Username",
    "agent_arn": "$.Agent.ARN",
    "agent_routing_profile": "$.Agent.RoutingProfile.Name",
    "customer_endpoint_address": "$.CustomerEndpoint.Address",
    "customer_endpoint_type": "$.CustomerEndpoint.Type",
    "system_endpoint_address": "$.SystemEndpoint.Address",
    "instance_arn": "$.InstanceARN",
    "aws_account_id": "$.AWSAccountId",
    "record_format_version": "$.AWSContactTraceRecordFormatVersion",
}
_TIMESTAMPS = {
    "initiation_at": "$.InitiationTimestamp",
    "connected_to_system_at": "$.ConnectedToSystemTimestamp",
    "disconnect_at": "$.DisconnectTimestamp",
    "last_update_at": "$.LastUpdateTimestamp",
    "transfer_completed_at": "$.TransferCompletedTimestamp",
    "queue_enqueue_at": "$.Queue.EnqueueTimestamp",
    "queue_dequeue_at": "$.Queue.DequeueTimestamp",
    "agent_connected_at": "$.Agent.ConnectedToAgentTimestamp",
    "agent_acw_started_at": "$.Agent.AfterContactWorkStartTimestamp",
    "agent_acw_ended_at": "$.Agent.AfterContactWorkEndTimestamp",
}
_INTEGERS = {
    "queue_duration_seconds": "$.Queue.Duration",
    "agent_interaction_seconds": "$.Agent.AgentInteractionDuration",
    "agent_customer_hold_seconds": "$.Agent.CustomerHoldDuration",
    "agent_number_of_holds": "$.Agent.NumberOfHolds",
    "agent_longest_hold_seconds": "$.Agent.LongestHoldDuration",
    "agent_acw_seconds": "$.Agent.AfterContactWorkDuration",
    "agent_connection_attempts": "$.AgentConnectionAttempts",
}


def _label(path: str) -> str:
    return path.removeprefix("$.")


def ctr_layout() -> RecordLayout:
    derived: dict[str, str] = {}
    problems: list[str] = []
    for name, path in _TIMESTAMPS.items():
        derived[f"t_{name}"] = json_text(path)
        derived[f"v_{name}"] = iso_timestamp_value(f"t_{name}")
        problems.append(iso_timestamp_problem(f"t_{name}", _label(path), f"v_{name}"))
    for name, path in _INTEGERS.items():
        derived[f"t_{name}"] = json_text(path)
        derived[f"v_{name}"] = json_int_value(f"t_{name}")
        problems.append(json_int_problem(f"t_{name}", _label(path), f"v_{name}"))
    contact_id = json_text("$.ContactId")
    not_a_ctr = (
        f"CASE WHEN nullif(trim({contact_id}), '') IS NULL THEN "
        "'no ContactId: not a contact trace record' || CASE "
        "WHEN json_exists(record, '$.AgentARN') OR json_exists(record, '$.EventType') "
        "THEN ' (an Amazon Connect agent event stream record: AgentARN, EventType)' "
        "ELSE ' (keys: ' || left(array_to_string(json_keys(record), ', '), 120) || ')' END END"
    )
    # a record that is not a CTR gets that one reason, not one per missing field
    problems = [f"CASE WHEN nullif(trim({contact_id}), '') IS NOT NULL THEN {p} END"
                for p in problems]  # fmt: skip
    values = {
        **{name: f"nullif(trim({json_text(path)}), '')" for name, path in _TEXT.items()},
        **{name: f"v_{name}" for name in _TIMESTAMPS},
        **{name: f"v_{name}" for name in _INTEGERS},
        "attributes_json": f"json_extract(record, {lit('$.Attributes')})::VARCHAR",
        "record_json": "record",
        "source_line": "line_number",
    }
    return RecordLayout(
        description="Amazon Connect contact trace records",
        values=values,
        problems=(not_a_ctr, *problems),
        derived=derived,
    )
