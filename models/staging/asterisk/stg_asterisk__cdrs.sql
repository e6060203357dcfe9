/*
    One row per distinct Asterisk CDR row (cdr_csv), typed, in UTC, without raw numbers.

    Why the seed lookups (the only joins in staging):
    - cdr_csv writes start / answer / end in the PBX's LOCAL time (DECISIONS.md D4). The
      time zone is the one of the site the call was destined for: the queue whose
      extension (seeds/queue_config.csv, row in force on the call's local date) equals the
      CDR `dst`, else var('default_site_id'); the zone comes from seeds/sites.csv.
    - `dst` is a queue extension on inbound calls but the customer's number on outbound
      ones, so it is published only when it matched a queue (`destination_extension`) and
      otherwise only hashed. `src` and `clid` are hashed; `lastdata` (dial strings) is
      dropped; of the free-text `userfield` only a `QUEUESTATUS=<status>` value is kept
      (`queue_status`: the dialplan stores there why Queue() could not take the call,
      FULL / JOINEMPTY / JOINUNAVAIL, since app_queue.c writes nothing to queue_log then).
    The repeated autumn hour is resolved by the uniqueid's UTC epoch (DECISIONS.md D50).
    Rows delivered twice (the same row in two files) are kept once, from the earliest
    loaded file; identical rows within one file are kept (a file cannot repeat a call).
    Incremental by file (macros/incremental/incremental.sql, DECISIONS.md D60): a run reads
    only the files loaded since the last build and the files with calls that started in the
    same time span (copies of a row share its start), and replaces their rows.
*/

{{ config(
    pre_hook="{{ delete_file_batch('raw_asterisk', 'cdr', 'call_start') }}",
    **incremental_by_file_config()
) }}

with

{% if is_incremental() %}
{{ file_batch_ctes(source('raw_asterisk', 'cdr'), 'call_start') }}
{% endif %}

source as (

    select * from {{ source('raw_asterisk', 'cdr') }}
    {% if is_incremental() %}
    where {{ file_batch_rows_filter('call_start') }}
    {% endif %}

),

queue_config as (

    select
        queue_id,
        site_id,
        cast(extension as {{ dbt.type_string() }}) as extension,
        {{ voice_seed_date('valid_from') }} as valid_from,
        {{ voice_seed_date('valid_to') }} as valid_to
    from {{ ref('queue_config') }}

),

sites as (

    select * from {{ ref('sites') }}

),

delivered as (

    select
        *,
        first_value(_file_name) over (
            partition by
                accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
                call_start, call_answer, call_end, duration, billsec, disposition, amaflags,
                uniqueid, userfield, peeraccount, linkedid, sequence
            order by _loaded_at, _file_name, _row_number
            rows between unbounded preceding and unbounded following
        ) as first_delivering_file,
        row_number() over (
            partition by
                accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
                call_start, call_answer, call_end, duration, billsec, disposition, amaflags,
                uniqueid, userfield, peeraccount, linkedid, sequence, _file_name
            order by _row_number
        ) as occurrence_in_file
    from source

),

deduplicated as (

    select *
    from delivered
    where _file_name = first_delivering_file
    {% if is_incremental() %}
        and _file_name in (select _file_name from batch_files)
    {% endif %}

),

destination_queues as (

    select
        deduplicated.*,
        queue_config.queue_id as destination_queue_id,
        queue_config.site_id as destination_site_id
    from deduplicated
    left join queue_config
        on trim(deduplicated.dst) = queue_config.extension
        and {{ config_in_force_on('queue_config', 'cast(deduplicated.call_start as date)') }}

),

located as (

    select
        destination_queues.*,
        coalesce(destination_queues.destination_site_id, '{{ var("default_site_id") }}') as site_id,
        sites.time_zone
    from destination_queues
    left join sites
        on coalesce(destination_queues.destination_site_id, '{{ var("default_site_id") }}')
            = sites.site_id

),

read_in_utc as (

    select
        located.*,
        {{ local_to_utc('call_start', 'time_zone') }} as start_read_utc,
        {{ local_to_utc('call_answer', 'time_zone') }} as answer_read_utc,
        {{ local_to_utc('call_end', 'time_zone') }} as end_read_utc,
        -- Asterisk's uniqueid is '<UTC epoch of the channel>.<counter>': the call's true start
        case
            when substr(trim(uniqueid), 11, 1) = '.'
                and translate(substr(trim(uniqueid), 1, 10), '0123456789', '') = ''
                then cast(substr(trim(uniqueid), 1, 10) as {{ dbt.type_bigint() }})
        end as uniqueid_epoch
    from located

),

-- the repeated autumn hour (D43): the start by the uniqueid, the end by start + duration,
-- the answer by end - billsec; outside that hour every reading stays as converted
started as (

    select
        read_in_utc.*,
        {{ repeated_hour_resolved('start_read_utc', 'call_start', 'time_zone', 'uniqueid_epoch') }}
            as started_utc
    from read_in_utc

),

ended as (

    select
        started.*,
        {{ repeated_hour_resolved(
            'end_read_utc', 'call_end', 'time_zone',
            epoch_seconds('started_utc') ~ ' + duration'
        ) }} as ended_utc
    from started

),

resolved as (

    select
        ended.*,
        {{ repeated_hour_resolved(
            'answer_read_utc', 'call_answer', 'time_zone',
            epoch_seconds('ended_utc') ~ ' - billsec'
        ) }} as answered_utc
    from ended

),

final as (

    select
        -- ids
        {{ surrogate_key([
            'accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel',
            'lastapp', 'lastdata', 'call_start', 'call_answer', 'call_end', 'duration',
            'billsec', 'disposition', 'amaflags', 'uniqueid', 'userfield', 'peeraccount',
            'linkedid', 'sequence', 'occurrence_in_file'
        ]) }} as cdr_id,
        coalesce(nullif(trim(linkedid), ''), nullif(trim(uniqueid), '')) as call_key,
        nullif(trim(uniqueid), '') as uniqueid,
        nullif(trim(linkedid), '') as linkedid,
        sequence,
        site_id,
        destination_queue_id,

        -- parties (hashed)
        {{ hash_pii('src') }} as customer_id,
        {{ hash_pii('clid') }} as caller_clid_hash,
        {{ hash_pii('dst') }} as destination_hash,
        case when destination_queue_id is not null then trim(dst) end as destination_extension,

        -- call
        dcontext as destination_context,
        channel,
        dstchannel as destination_channel,
        lastapp as last_application,
        upper(trim(disposition)) as disposition,
        case
            when upper(trim(userfield)) like 'QUEUESTATUS=%'
                then upper(trim(substr(trim(userfield), 13)))
        end as queue_status,
        amaflags as ama_flags,
        accountcode as account_code,
        peeraccount as peer_account,

        -- timestamps (UTC)
        started_utc as started_at,
        answered_utc as answered_at,
        ended_utc as ended_at,
        time_zone as source_time_zone,

        -- measures
        duration as duration_seconds,
        billsec as billable_seconds,

        -- lineage
        column_count,
        _file_name,
        _row_number,
        _loaded_at

    from resolved

)

select * from final
