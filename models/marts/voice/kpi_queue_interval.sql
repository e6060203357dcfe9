/*
    One row per queue per reporting interval (local, var('interval_minutes') long, keyed by
    its UTC start) that had at least one contact.

    Why: every KPI is published as its additive parts first (counts, second totals, the
    denominators of the averages), then as ratios computed from those parts by the
    macros in macros/voice/queue_kpis.sql; kpi_queue_daily re-aggregates the parts, so
    BI tools and the day level never average ratios. A contact counts in the interval it
    entered the queue (lost calls: arrived), for every measure (DECISIONS.md D3).
    Incremental by local day (DECISIONS.md D132): a run rebuilds the days whose voice
    contacts changed (all days when the queue configuration changed).
*/

{{ config(**incremental_by_day_config('date_local')) }}

{%- set days = incremental_days([
    {'relation': ref('fct_contacts'), 'day': 'contact_date', 'where': "channel = 'voice'"},
    {'relation': ref('queue_config')},
]) %}

with

contacts as (

    -- voice only: digital channels have their own marts (kpi_channel_daily)
    select * from {{ ref('fct_contacts') }}
    where channel = 'voice'
        and {{ incremental_day_filter('contact_date', days) }}

),

queue_config as (

    select
        queue_id,
        {{ voice_seed_date('valid_from') }} as valid_from,
        {{ voice_seed_date('valid_to') }} as valid_to,
        service_level_target
    from {{ ref('queue_config') }}

),

aggregated as (

    select
        queue_id,
        site_id,
        interval_start_at,
        interval_start_local,
        contact_date as date_local,

        -- counts
        {{ count_where('is_offered') }} as calls_offered,
        {{ count_where('is_answered') }} as calls_answered,
        {{ count_where('is_abandoned') }} as calls_abandoned,
        {{ count_where("abandon_reason = 'caller_hangup'") }} as calls_abandoned_caller_hangup,
        {{ count_where("abandon_reason = 'timeout'") }} as calls_abandoned_timeout,
        {{ count_where("abandon_reason = 'exit_key'") }} as calls_abandoned_exit_key,
        {{ count_where("abandon_reason = 'queue_empty'") }} as calls_abandoned_queue_empty,
        {{ count_where('is_short_abandon') }} as calls_short_abandoned,
        {{ count_where("outcome = 'flowed_out'") }} as calls_flowed_out,
        {{ count_where("outcome = 'in_progress'") }} as calls_in_progress,
        {{ count_where('is_answered_within_threshold') }} as calls_answered_within_threshold,
        {{ count_where('is_abandoned_within_threshold') }} as calls_abandoned_within_threshold,
        {{ count_where('is_transferred') }} as calls_transferred,
        {{ count_where("transfer_type = 'blind'") }} as calls_transferred_blind,
        {{ count_where("transfer_type = 'attended'") }} as calls_transferred_attended,
        {{ count_where("outcome = 'lost_before_queue'") }} as calls_lost_before_queue,
        {{ count_where('is_answered') }} as calls_handled,
        coalesce(sum(ring_no_answer_count), 0) as ring_no_answer_count,

        -- second totals
        coalesce({{ sum_where('wait_seconds', 'is_answered') }}, 0) as wait_seconds_answered,
        coalesce({{ sum_where('wait_seconds', 'is_offered') }}, 0) as wait_seconds_all,
        max(wait_seconds) as max_wait_seconds,
        coalesce({{ sum_where('talk_seconds', 'is_answered') }}, 0) as talk_seconds,
        coalesce({{ sum_where('hold_seconds', 'is_answered') }}, 0) as hold_seconds,
        coalesce({{ sum_where('acw_seconds', 'is_answered') }}, 0) as acw_seconds,
        coalesce({{ sum_where('handle_seconds', 'is_answered') }}, 0) as handle_seconds,

        -- denominators of the averages: contacts whose value is known
        {{ count_where('is_answered and wait_seconds is not null') }} as asa_seconds_denominator,
        {{ count_where('is_offered and wait_seconds is not null') }} as avg_wait_seconds_denominator,
        {{ count_where('is_answered and handle_seconds is not null') }} as aht_seconds_denominator,
        {{ count_where('is_answered and talk_seconds is not null') }} as avg_talk_seconds_denominator,
        {{ count_where('is_answered and hold_seconds is not null') }} as avg_hold_seconds_denominator,
        {{ count_where('is_answered and acw_seconds is not null') }} as avg_acw_seconds_denominator

    from contacts
    group by
        queue_id,
        site_id,
        interval_start_at,
        interval_start_local,
        contact_date

),

targeted as (

    select
        aggregated.*,
        cast(
            coalesce(queue_config.service_level_target, {{ var('service_level_target') }})
            as numeric(28, 6)
        ) as service_level_target
    from aggregated
    left join queue_config
        on aggregated.queue_id = queue_config.queue_id
        and {{ config_in_force_on('queue_config', 'aggregated.date_local') }}

),

final as (

    select
        -- keys
        queue_id,
        site_id,
        interval_start_at,
        interval_start_local,
        date_local,
        {{ time_of_day_label('interval_start_local') }} as interval_time_local,

        -- counts
        {%- for column in voice_queue_kpi_count_columns() %}
        cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}

        -- second totals (and the longest wait)
        {%- for column in voice_queue_kpi_published_second_columns() %}
        cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}

        -- ratios and averages, each with its numerator and denominator
        {{ voice_queue_kpi_ratio_columns() }},

        -- target
        service_level_target

    from targeted

)

select * from final
