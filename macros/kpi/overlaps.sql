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

{#-
    The adherence measures of one grain (agent × day, agent × interval), from the grain's
    spine of keys and three aggregates at that grain: `scheduled` (scheduled_seconds,
    planned_activity_seconds), `overlaps` (on_queue_in_shift_seconds,
    on_queue_in_activities_seconds, logged_in_in_shift_seconds) and `states`
    (logged_in_seconds, on_queue_seconds). `adherence_measures` gives the columns,
    `adherence_measure_joins` the joins on agent_id and `key`. Definitions: the header of
    kpi_adherence_agent_daily.
-#}
{% macro adherence_measures(scheduled, overlaps, states) -%}
        coalesce({{ scheduled }}.scheduled_seconds, 0) as scheduled_seconds,
        coalesce({{ scheduled }}.planned_activity_seconds, 0) as planned_activity_seconds,
        coalesce({{ overlaps }}.on_queue_in_shift_seconds, 0)
            - coalesce({{ overlaps }}.on_queue_in_activities_seconds, 0) as on_queue_as_scheduled_seconds,
        coalesce({{ scheduled }}.planned_activity_seconds, 0)
            - coalesce({{ overlaps }}.on_queue_in_activities_seconds, 0) as off_queue_as_scheduled_seconds,
        coalesce({{ states }}.logged_in_seconds, 0) as logged_in_seconds,
        coalesce({{ states }}.on_queue_seconds, 0) as on_queue_seconds,
        coalesce({{ states }}.logged_in_seconds, 0)
            - coalesce({{ overlaps }}.logged_in_in_shift_seconds, 0) as out_of_shift_seconds
{%- endmacro %}

{% macro adherence_measure_joins(spine, key, scheduled, overlaps, states) -%}
    {%- for relation in [scheduled, overlaps, states] %}
    left join {{ relation }}
        on {{ spine }}.agent_id = {{ relation }}.agent_id
        and {{ spine }}.{{ key }} = {{ relation }}.{{ key }}
    {%- endfor %}
{%- endmacro %}

{#- The `overlaps` aggregate's sums, over state_overlaps rows (activity, is_on_queue, overlap_seconds). -#}
{% macro adherence_overlap_sums() -%}
        cast({{ contact_center.sum_where('overlap_seconds', "activity = 'shift' and is_on_queue = 1") }} as {{ dbt.type_bigint() }}) as on_queue_in_shift_seconds,
        cast({{ contact_center.sum_where('overlap_seconds', "activity <> 'shift' and is_on_queue = 1") }} as {{ dbt.type_bigint() }}) as on_queue_in_activities_seconds,
        cast({{ contact_center.sum_where('overlap_seconds', "activity = 'shift'") }} as {{ dbt.type_bigint() }}) as logged_in_in_shift_seconds
{%- endmacro %}

{#- The `states` aggregate's sums, over fct_agent_states rows. -#}
{% macro adherence_state_sums() -%}
        cast(sum(duration_seconds) as {{ dbt.type_bigint() }}) as logged_in_seconds,
        cast({{ contact_center.sum_where('duration_seconds', "state in ('available', 'on_contact', 'acw')") }} as {{ dbt.type_bigint() }}) as on_queue_seconds
{%- endmacro %}

{#-
    The schedule activities of `schedules` (a relation with activity_started_at and
    activity_ended_at), one row per UTC day a state overlapping the activity can start on:
    from the day before the activity starts to the day it ends (a state lies inside one
    interval, shorter than a day; tests/dbt assert_agent_states_within_their_interval). The
    adherence marts join states to it on agent and `match_day` = the state's start day, so
    each (state, activity) pair is found once and the time test runs on one day's
    activities, not on every activity of the agent's history (DECISIONS.md D205).
-#}
{% macro schedule_activities_by_match_day(schedules) -%}
    (
        select
            {{ schedules }}.*,
            cast({{ dbt.dateadd('day', 'spine.n - 1', 'cast(' ~ schedules ~ '.activity_started_at as date)') }} as date)
                as match_day
        from {{ schedules }}
        inner join {{ contact_center.number_spine(3) }} as spine
            on spine.n <= {{ dbt.datediff(
                'cast(' ~ schedules ~ '.activity_started_at as date)',
                'cast(' ~ schedules ~ '.activity_ended_at as date)', 'day') }} + 1
    )
{%- endmacro %}
