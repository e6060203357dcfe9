"""The KPI catalog: select from marts.dim_kpis (glossary page, tile definitions)."""

from _warehouse import write_json

write_json(
    """
select
    kpi_key,
    family,
    variant_of,
    name_en,
    name_es,
    definition_en,
    definition_es,
    formula,
    unit,
    direction,
    default_target,
    grain,
    models,
    column_name,
    numerator_column,
    denominator_column,
    source
from marts.dim_kpis
order by kpi_key
"""
)
