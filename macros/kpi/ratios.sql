{#-
    Every ratio of the warehouse is computed by these macros, so that the rounding, the
    type and the division-by-zero rule are the same everywhere (PORTABLE_SQL.md rules 5-7):
    - `ratio(num, den)`: a 0-1 decimal, numeric(28, 6), NULL when the denominator is 0;
    - `average(num, den)`: seconds per item, numeric(28, 6), NULL when there are no items;
    - `count_where(cond)`: a portable conditional count (no count_if / sum(boolean)).
-#}
{% macro ratio(numerator, denominator) -%}
    cast(cast({{ numerator }} as {{ dbt.type_numeric() }}) / nullif({{ denominator }}, 0) as numeric(28, 6))
{%- endmacro %}

{% macro average(numerator, denominator) -%}
    cast(cast({{ numerator }} as {{ dbt.type_numeric() }}) / nullif({{ denominator }}, 0) as numeric(28, 6))
{%- endmacro %}

{% macro count_where(condition) -%}
    sum(case when {{ condition }} then 1 else 0 end)
{%- endmacro %}

{% macro sum_where(expr, condition) -%}
    sum(case when {{ condition }} then {{ expr }} else 0 end)
{%- endmacro %}

{#-
    The three columns of each ratio of a mart: the value, its additive numerator and its
    denominator (`<name>`, `<name>_numerator`, `<name>_denominator`), from a list of
    (name, kind, numerator expression, denominator expression), kind 'ratio' or 'average'.
    The parts are cast to bigint (counts and whole seconds).
-#}
{% macro ratio_columns(ratios) -%}
    {%- for name, kind, num, den in ratios %}
        {{ ratio(num, den) if kind == 'ratio' else average(num, den) }} as {{ name }},
        cast({{ num }} as {{ dbt.type_bigint() }}) as {{ name }}_numerator,
        cast({{ den }} as {{ dbt.type_bigint() }}) as {{ name }}_denominator{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
