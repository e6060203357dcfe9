"""Workforce-planning math: Erlang B, C and A staffing for contact-center intervals."""

from orchestration.planning.erlang import (
    ErlangAMetrics,
    average_speed_of_answer,
    erlang_a_metrics,
    erlang_a_required_agents,
    erlang_b,
    erlang_c_wait_probability,
    estimate_patience_seconds,
    occupancy,
    offered_load,
    required_agents,
    scheduled_agents,
    service_level,
    trunks_for_blocking,
)

__all__ = [
    "ErlangAMetrics",
    "average_speed_of_answer",
    "erlang_a_metrics",
    "erlang_a_required_agents",
    "erlang_b",
    "erlang_c_wait_probability",
    "estimate_patience_seconds",
    "occupancy",
    "offered_load",
    "required_agents",
    "scheduled_agents",
    "service_level",
    "trunks_for_blocking",
]
