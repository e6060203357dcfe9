/*
    One row per contact of every channel: a voice call per queue visit, a call lost before
    any queue, a digital conversation (chat, e-mail, SMS, social ticket), from every source
    (source_system: asterisk, amazon_connect, mapped:<name>, helpdesk).

    Why it is built this way:
    - Every source comes through int_contacts_unioned (Asterisk queue visits with their
      after-call work and CDR arrival, calls lost before any queue in queue `unassigned`
      when the dialled queue is unknown, Amazon Connect contacts, mapped sources); this
      model keeps the voice contacts and adds site, local day, interval and thresholds.
    - A contact belongs to the site its source names (a mapped source's site), else to the
      site of its queue (seeds/queue_config.csv, the row in force on the UTC date of the
      anchor time; var('default_site_id') otherwise) and is counted
      on the local day and in the local interval it entered the queue, or arrived for a
      lost call (DECISIONS.md D1-D3). interval_start_at is that interval's start in UTC,
      so the repeated autumn hour stays two intervals.
    - Thresholds T (service level) and S (short abandon) are the queue's row in force on
      the contact's local date (valid_from <= date < valid_to, or valid_to empty), else
      the vars; "within" is inclusive (D7): wait <= T, wait <= S.
    - Digital channels (help-desk tickets) take T from seeds/channel_config (first
      response within T seconds), not from the queue, and have no short abandons (S = 0)
      (DECISIONS.md D100-D102).
    - handle = talk + hold + acw, known only when all three are (an answered call still
      connected at the end of the data has none yet).
    - Incremental by local day (DECISIONS.md D208): a contact's row depends on that contact
      and the seeds only, so the local days to rebuild are those whose contacts changed. A
      changed UTC day of `counted_at` reaches the local days before and after it (a site's
      day is shifted from UTC's), and a local day reads the UTC days around it.
*/

{{ config(
    meta={'incremental_day_offsets': [-1, 0, 1]},
    **incremental_by_day_config('contact_date')
) }}

{%- set days = incremental_days([
    {'relation': ref('int_contacts_unioned'), 'day': 'cast(counted_at as date)'},
    {'relation': ref('queue_config')},
    {'relation': ref('sites')},
    {'relation': ref('channel_config')},
], offsets=[-1, 0, 1]) %}

with

contacts as (

    select * from {{ ref('int_contacts_unioned') }}
    where {{ incremental_day_filter('counted_at', incremental_widen_days(days, [-1, 0, 1]), 'timestamp') }}

),

queue_config as (

    select
        queue_id,
        site_id,
        {{ voice_seed_date('valid_from') }} as valid_from,
        {{ voice_seed_date('valid_to') }} as valid_to,
        service_level_threshold_seconds,
        short_abandon_threshold_seconds
    from {{ ref('queue_config') }}

),

sites as (

    select * from {{ ref('sites') }}

),

-- digital channels: T is the channel's first-response threshold (DECISIONS.md D102)
channel_config as (

    select * from {{ ref('channel_config') }}

),

located as (

    select
        contacts.*,
        coalesce(
            contacts.source_site_id, queue_sites.site_id, '{{ var("default_site_id") }}'
        ) as site_id
    from contacts
    left join queue_config as queue_sites
        on contacts.queue_id = queue_sites.queue_id
        and {{ config_in_force_on('queue_sites', 'cast(contacts.counted_at as date)') }}

),

localized as (

    select
        located.*,
        {{ utc_to_local('located.counted_at', 'sites.time_zone') }} as counted_at_local
    from located
    left join sites
        on located.site_id = sites.site_id

),

thresholded as (

    select
        localized.*,
        cast(localized.counted_at_local as date) as contact_date,
        case
            when localized.channel <> 'voice'
                then channel_config.first_response_threshold_seconds
            else coalesce(
                queue_config.service_level_threshold_seconds,
                {{ var('service_level_threshold_seconds') }}
            )
        end as service_level_threshold_seconds,
        case
            -- a digital contact has no short abandons
            when localized.channel <> 'voice' then 0
            else coalesce(
                queue_config.short_abandon_threshold_seconds,
                {{ var('short_abandon_threshold_seconds') }}
            )
        end as short_abandon_threshold_seconds
    from localized
    left join channel_config
        on localized.channel = channel_config.channel
    left join queue_config
        on localized.queue_id = queue_config.queue_id
        and {{ config_in_force_on('queue_config', 'cast(localized.counted_at_local as date)') }}

),

final as (

    select
        -- ids
        contact_id,
        source_system,
        call_id,
        queue_visit_number,
        queue_id,
        agent_id,
        site_id,
        customer_id,
        channel,
        direction,

        -- timestamps
        arrived_at,
        queue_entered_at,
        answered_at,
        ended_at,
        contact_date,
        {{ interval_start_at('counted_at', 'counted_at_local') }} as interval_start_at,
        {{ interval_floor('counted_at_local') }} as interval_start_local,

        -- measures (typed once, in int_contacts_unioned)
        wait_seconds,
        ring_seconds,
        ring_attempts,
        ring_no_answer_count,
        talk_seconds,
        hold_seconds,
        hold_count,
        acw_seconds,
        talk_seconds + hold_seconds + acw_seconds as handle_seconds,

        -- outcome
        outcome,
        abandon_reason,
        lost_reason,
        end_reason,
        transfer_type,

        -- flags
        is_offered,
        is_answered,
        is_abandoned,
        coalesce(is_abandoned and wait_seconds <= short_abandon_threshold_seconds, false)
            as is_short_abandon,
        coalesce(is_answered and wait_seconds <= service_level_threshold_seconds, false)
            as is_answered_within_threshold,
        coalesce(is_abandoned and wait_seconds <= service_level_threshold_seconds, false)
            as is_abandoned_within_threshold,
        is_transferred,

        -- identity (keyed hashes, for identity resolution across channels)
        customer_phone_hash,
        customer_email_hash,

        -- thresholds in force that day
        cast(service_level_threshold_seconds as {{ dbt.type_int() }})
            as service_level_threshold_seconds,
        cast(short_abandon_threshold_seconds as {{ dbt.type_int() }})
            as short_abandon_threshold_seconds

    from thresholded
    where {{ incremental_day_filter('contact_date', days) }}

)

select * from final
