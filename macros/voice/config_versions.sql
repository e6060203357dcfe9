{#
    A dated configuration row (the queues seed: valid_from, valid_to; an empty valid_to is
    open-ended) in force on `day`: valid_from <= day < valid_to.

    The open end is a far date, not `valid_to is null or ...`: an OR in a join's ON clause
    makes DuckDB join by nested loop (every row against every version), while comparisons
    alone let it hash on the key and check the dates on the matches (DECISIONS.md D202).
#}
{% macro config_in_force_on(version, day) -%}
{{ version }}.valid_from <= {{ day }}
        and {{ day }} < coalesce({{ version }}.valid_to, cast('9999-12-31' as date))
{%- endmacro %}
