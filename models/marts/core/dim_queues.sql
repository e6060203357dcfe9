{#-
    Why: the report reads each queue's targets from here, and a queue the PBX uses but
    the configuration forgot must still appear (with the project's default threshold and
    target, flagged is_configured = false) rather than vanish from the report. The
    configuration is dated (valid_from / valid_to); this dimension carries the queue's
    latest row, which is the current one; the facts use the row in force on each day.
-#}

with

queue_config as (

    select * from {{ ref('queue_config') }}

),

events as (

    select * from {{ ref('stg_asterisk__queue_log_events') }}

),

sites as (

    select * from {{ ref('sites') }}

),

-- contacts of the sources that have no queue_log (Amazon Connect, mapped exports)
other_source_contacts as (

    select * from {{ ref('int_contacts_unioned') }}
    where source_system <> 'asterisk'

),

queue_times as (

    select
        queue_id,
        event_at,
        cast(null as {{ dbt.type_string() }}) as source_site_id
    from events
    where queue_id is not null
    union all
    select
        queue_id,
        counted_at as event_at,
        source_site_id
    from other_source_contacts
    where queue_id <> 'unassigned'

),

queues_in_events as (

    select
        queue_id,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        -- the site a mapped source names for its contacts (used when not configured)
        max(source_site_id) as source_site_id
    from queue_times
    group by queue_id

),

config_ranked as (

    select
        *,
        -- the latest row already in force today (a row dated in the future waits)
        row_number() over (
            partition by queue_id
            order by
                case when valid_from <= current_date then 0 else 1 end,
                valid_from desc
        ) as recency_rank
    from queue_config

),

current_config as (

    select * from config_ranked
    where recency_rank = 1

),

queue_ids as (

    select queue_id from current_config
    union
    select queue_id from queues_in_events

),

final as (

    select
        -- ids
        queue_ids.queue_id,
        coalesce(queue_sites.site_id, source_sites.site_id, default_site.site_id) as site_id,

        -- attributes
        coalesce(current_config.queue_name, queue_ids.queue_id) as queue_name,
        cast(current_config.extension as {{ dbt.type_string() }}) as extension,
        coalesce(queue_sites.time_zone, source_sites.time_zone, default_site.time_zone)
            as time_zone,

        -- current thresholds and targets
        coalesce(
            current_config.service_level_threshold_seconds,
            {{ var('service_level_threshold_seconds') }}
        ) as service_level_threshold_seconds,
        coalesce(
            current_config.short_abandon_threshold_seconds,
            {{ var('short_abandon_threshold_seconds') }}
        ) as short_abandon_threshold_seconds,
        cast(
            coalesce(current_config.service_level_target, {{ var('service_level_target') }})
            as numeric(28, 6)
        ) as service_level_target,
        cast(current_config.abandon_rate_target as numeric(28, 6)) as abandon_rate_target,
        current_config.asa_target_seconds,

        -- dates
        current_config.valid_from as config_valid_from,
        -- through text: the seed column is all empty, so its inferred type may not be a date
        cast(cast(current_config.valid_to as {{ dbt.type_string() }}) as date) as config_valid_to,

        -- timestamps
        queues_in_events.first_event_at as first_seen_at,
        queues_in_events.last_event_at as last_seen_at,

        -- flags
        case when current_config.queue_id is null then false else true end as is_configured,
        case when queues_in_events.queue_id is null then false else true end as is_in_events

    from queue_ids
    left join current_config
        on queue_ids.queue_id = current_config.queue_id
    left join queues_in_events
        on queue_ids.queue_id = queues_in_events.queue_id
    left join sites as queue_sites
        on current_config.site_id = queue_sites.site_id
    left join sites as source_sites
        on queues_in_events.source_site_id = source_sites.site_id
    left join sites as default_site
        on default_site.site_id = '{{ var("default_site_id") }}'

)

select * from final
