{#-
    Portable spines (no dbt hub packages here, PORTABLE_SQL.md rule 10): a number spine
    from cross-joined digits, and a date spine built on it with dbt.dateadd. Plain
    `select ... union all` instead of `values` so that every engine parses it.
-#}

{#- A subquery with one column `n` = 0 .. 10^digits - 1. -#}
{% macro number_spine(digits=4) -%}
    {{ return(adapter.dispatch('number_spine', 'contact_center')(digits)) }}
{%- endmacro %}

{% macro default__number_spine(digits) -%}
    (
        select
            {% for i in range(digits) -%}
            d{{ i }}.digit * {{ 10 ** i }}{% if not loop.last %} + {% endif %}
            {%- endfor %} as n
        from
            {% for i in range(digits) -%}
            (
                select 0 as digit union all select 1 union all select 2 union all select 3
                union all select 4 union all select 5 union all select 6 union all select 7
                union all select 8 union all select 9
            ) as d{{ i }}{% if not loop.last %}
            cross join{% endif %}
            {% endfor %}
    )
{%- endmacro %}

{#- Spark plans every one-row `select` of the union as a partition of its own: the
    cross join of five digit tables becomes thousands of tiny tasks. range() is one scan. -#}
{% macro spark__number_spine(digits) -%}
    (select cast(id as int) as n from range({{ 10 ** digits }}))
{%- endmacro %}

{#- A subquery with one column `date_day`, every day from start_date to end_date
    (both SQL expressions of type date, both included); at most 10^digits days. -#}
{% macro date_spine(start_date, end_date, digits=5) -%}
    (
        select cast({{ dbt.dateadd('day', 'spine.n', start_date) }} as date) as date_day
        from {{ contact_center.number_spine(digits) }} as spine
        where spine.n <= {{ dbt.datediff(start_date, end_date, 'day') }}
    )
{%- endmacro %}
