/*
    One row per contact of a mapped source (source_name, contact_id), in UTC, without raw
    customer identifiers.

    Why the seed lookups (the only joins in staging, as in stg_asterisk__cdrs):
    - the mapping computes local wall-clock times (`time_basis = 'local'`) or UTC. Local
      times are converted with the time zone of the contact's site: the site the mapping
      names, else the site of its queue (seeds/queue_config.csv, the row in force on the
      local date), else var('default_site_id'); the zone comes from seeds/sites.csv
      (DECISIONS.md D1, D4).
    A contact delivered twice (overlapping exports, a corrected re-delivery) keeps its
    latest delivery: the latest loaded file, then the later row in it.
*/

with

source as (

    select * from {{ source('raw_mapped', 'contacts') }}

),

queue_config as (

    select
        queue_id,
        site_id,
        {{ voice_seed_date('valid_from') }} as valid_from,
        {{ voice_seed_date('valid_to') }} as valid_to
    from {{ ref('queue_config') }}

),

sites as (

    select * from {{ ref('sites') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by source_name, contact_id
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank,
        count(*) over (partition by source_name, contact_id) as rows_delivered
    from source
    where contact_id is not null

),

latest as (

    select * from ranked
    where recency_rank = 1

),

located as (

    select
        latest.*,
        coalesce(
            upper(trim(latest.site_id)),
            queue_config.site_id,
            '{{ var("default_site_id") }}'
        ) as resolved_site_id
    from latest
    left join queue_config
        on latest.queue_id = queue_config.queue_id
        and {{ config_in_force_on('queue_config', 'cast(coalesce(latest.queued_at, latest.arrived_at) as date)') }}

),

zoned as (

    select
        located.*,
        sites.time_zone
    from located
    left join sites
        on located.resolved_site_id = sites.site_id

),

final as (

    select
        -- ids
        source_name,
        contact_id,
        concat('mapped:', source_name) as source_system,
        resolved_site_id as site_id,
        queue_id,
        agent_id,
        {{ hash_pii('customer') }} as customer_id,

        -- attributes
        channel,
        direction,

        -- timestamps (UTC)
        {%- for column in ['arrived_at', 'queued_at', 'answered_at', 'ended_at'] %}
        case
            when time_basis = 'utc' then {{ column }}
            else {{ local_to_utc(column, 'time_zone') }}
        end as {{ column }},
        {%- endfor %}

        -- measures
        wait_seconds,
        talk_seconds,
        hold_seconds,
        acw_seconds,
        hold_count,

        -- outcome
        outcome,
        abandon_reason,
        lost_reason,
        end_reason,
        transfer_type,

        -- lineage
        rows_delivered,
        mapping_file,
        _file_name,
        _row_number,
        _loaded_at

    from zoned

)

select * from final
