{#-
    Small generic tests of our own (dbt hub packages cannot be downloaded here).
-#}

{#- Fails on every row where the expression is not true. Use on a model:
    data_tests: [{expression_is_true: {expression: "calls_offered >= calls_answered"}}] -#}
{% test expression_is_true(model, expression, where=none) %}
select *
from {{ model }}
where not ({{ expression }})
{% if where %} and ({{ where }}){% endif %}
{% endtest %}

{#- Fails on duplicate combinations of the listed columns. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Fails when a column's value is outside [min_value, max_value] (either bound optional). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, where=none) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and (
    {% if min_value is not none %}{{ column_name }} < {{ min_value }}{% else %}1 = 0{% endif %}
    {% if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
  )
{% if where %} and ({{ where }}){% endif %}
{% endtest %}

{#- Fails when the model has no rows (a mart that silently comes out empty is a bug). -#}
{% test not_empty(model) %}
select 1 as empty_model
from (select count(*) as n_rows from {{ model }}) as counted
where n_rows = 0
{% endtest %}
