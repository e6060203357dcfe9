{#-
    Seconds two time ranges [start_a, end_a) and [start_b, end_b) share: from the later of
    the starts to the earlier of the ends (the caller keeps only pairs that overlap). The
    adherence marts measure every plan-against-actual figure this way: no per-second spine.
-#}
{% macro overlap_seconds(start_a, end_a, start_b, end_b) -%}
    {{ dbt.datediff(
        'case when ' ~ start_a ~ ' > ' ~ start_b ~ ' then ' ~ start_a ~ ' else ' ~ start_b ~ ' end',
        'case when ' ~ end_a ~ ' < ' ~ end_b ~ ' then ' ~ end_a ~ ' else ' ~ end_b ~ ' end',
        'second') }}
{%- endmacro %}
