/*
    One row per KPI that the marts publish, from the KPI catalog (seeds/kpi_catalog.csv).

    Why: BI tools and the report site (glossary, tile tooltips) read the definitions from
    here rather than from the seed's schema, so the marts are the one place they query. The
    catalog is checked against the models by tests/test_kpi_catalog.py.
*/

with

kpi_catalog as (

    select * from {{ ref('kpi_catalog') }}

),

final as (

    select
        -- ids
        kpi_key,
        family,
        variant_of,

        -- names and texts
        name_en,
        name_es,
        definition_en,
        definition_es,
        formula,
        source,

        -- how to read it
        unit,
        direction,
        cast(default_target as numeric(28, 6)) as default_target,

        -- where it lives
        grain,
        models,
        column_name,
        numerator_column,
        denominator_column,
        'kpi_' || kpi_key as doc_block

    from kpi_catalog

)

select * from final
