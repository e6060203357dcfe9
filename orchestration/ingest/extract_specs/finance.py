"""Finance: the monthly cost of running the center, per site and cost type (cost per contact)."""

from orchestration.ingest.extracts import Column, ExtractSpec, register

COST_TYPES = ("people", "platform", "telephony", "facilities", "outsourcing", "other")

MONTHLY_COSTS = ExtractSpec(
    source="finance_costs",
    folder="finance/costs",
    schema="raw_finance",
    table="monthly_costs",
    description="the monthly cost extract (finance)",
    columns=(
        Column("month", "date", required=True, doc="first day of the month the cost belongs to"),
        Column("site_id", required=True, doc="site code as in seeds/sites.csv"),
        Column("cost_type", required=True, values=COST_TYPES),
        Column("amount", "decimal", required=True, min=0, doc="cost in `currency`, without VAT"),
        Column("currency", required=True, doc="ISO 4217 code, e.g. EUR"),
        Column("fte", "decimal", min=0, doc="full-time equivalents the cost pays for (people)"),
        Column("note"),
    ),
    key=("month", "site_id", "cost_type"),
)

register(MONTHLY_COSTS)
