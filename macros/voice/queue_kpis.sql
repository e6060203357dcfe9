{#-
    The queue KPIs, defined once for kpi_queue_interval and kpi_queue_daily (KPIS.md,
    DECISIONS.md D8). Both models first build the same additive columns (counts, second
    totals, the denominators of the averages); these macros then derive every ratio and
    average from them, so a day's service level is computed from the day's counts, never
    averaged from its intervals.
-#}

{#- Counts and second totals that add up across intervals (max_wait_seconds takes a max). -#}
{% macro voice_queue_kpi_count_columns() -%}
    {{ return([
        'calls_offered', 'calls_answered', 'calls_abandoned', 'calls_abandoned_caller_hangup',
        'calls_abandoned_timeout', 'calls_abandoned_exit_key', 'calls_abandoned_queue_empty',
        'calls_short_abandoned', 'calls_flowed_out', 'calls_in_progress',
        'calls_answered_within_threshold', 'calls_abandoned_within_threshold', 'calls_transferred',
        'calls_transferred_blind', 'calls_transferred_attended', 'calls_lost_before_queue',
        'calls_handled', 'ring_no_answer_count'
    ]) }}
{%- endmacro %}

{% macro voice_queue_kpi_second_columns() -%}
    {{ return([
        'wait_seconds_answered', 'wait_seconds_all', 'talk_seconds', 'hold_seconds',
        'acw_seconds', 'handle_seconds'
    ]) }}
{%- endmacro %}

{#- The second columns as published (docs/contracts.md order: the longest wait after the
    wait totals). -#}
{% macro voice_queue_kpi_published_second_columns() -%}
    {{ return([
        'wait_seconds_answered', 'wait_seconds_all', 'max_wait_seconds', 'talk_seconds',
        'hold_seconds', 'acw_seconds', 'handle_seconds'
    ]) }}
{%- endmacro %}

{#- Ratios (0-1): name -> (numerator, denominator), in terms of the count columns. -#}
{% macro voice_queue_kpi_ratios() -%}
    {{ return({
        'service_level': (
            'calls_answered_within_threshold',
            'calls_answered + calls_abandoned - calls_short_abandoned'),
        'service_level_offered': (
            'calls_answered_within_threshold',
            'calls_offered'),
        'service_level_abandons_positive': (
            'calls_answered_within_threshold + calls_abandoned_within_threshold',
            'calls_offered'),
        'service_level_abandons_ignored': (
            'calls_answered_within_threshold',
            'calls_offered - calls_abandoned_within_threshold'),
        'service_level_answered': (
            'calls_answered_within_threshold',
            'calls_answered'),
        'answer_rate': (
            'calls_answered',
            'calls_offered'),
        'abandonment_rate': (
            'calls_abandoned',
            'calls_offered'),
        'abandonment_rate_excluding_short': (
            'calls_abandoned - calls_short_abandoned',
            'calls_offered - calls_short_abandoned'),
        'short_abandon_rate': (
            'calls_short_abandoned',
            'calls_offered'),
        'transfer_rate': (
            'calls_transferred',
            'calls_handled'),
    }) }}
{%- endmacro %}

{#- Averages (seconds): name -> numerator second total. Their denominators are additive
    columns of their own, `<name>_denominator`: the contacts whose value is known (an
    answered call still connected at the end of the data has a wait but no talk yet). -#}
{% macro voice_queue_kpi_averages() -%}
    {{ return({
        'asa_seconds': 'wait_seconds_answered',
        'avg_wait_seconds': 'wait_seconds_all',
        'aht_seconds': 'handle_seconds',
        'avg_talk_seconds': 'talk_seconds',
        'avg_hold_seconds': 'hold_seconds',
        'avg_acw_seconds': 'acw_seconds',
    }) }}
{%- endmacro %}

{#- The select-list of every ratio and average with its numerator and denominator, from a
    relation that has the count, second and average-denominator columns. -#}
{% macro voice_queue_kpi_ratio_columns() -%}
    {%- for name, parts in voice_queue_kpi_ratios().items() %}
        {{ ratio(parts[0], parts[1]) }} as {{ name }},
        cast({{ parts[0] }} as {{ dbt.type_bigint() }}) as {{ name }}_numerator,
        cast({{ parts[1] }} as {{ dbt.type_bigint() }}) as {{ name }}_denominator,
    {%- endfor %}
    {%- for name, numerator in voice_queue_kpi_averages().items() %}
        {{ average(numerator, name ~ '_denominator') }} as {{ name }},
        cast({{ numerator }} as {{ dbt.type_bigint() }}) as {{ name }}_numerator,
        cast({{ name }}_denominator as {{ dbt.type_bigint() }}) as {{ name }}_denominator{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
