/*
    One row per distinct Asterisk queue_log event, typed.

    Why this model is more than a rename:
    - Duplicates. queue_log files overlap when they are rotated or exported twice, so the
      same event can arrive in two files. An event is a duplicate when every field
      (epoch, callid, queue, agent, event, data1..data5, and the realtime table's own id)
      is identical AND it came from another file; the copy from the earliest loaded file
      is kept. Identical lines within ONE file are kept: the PBXware export has genuine
      same-second repeats (an agent's dial retries, distinct table ids), and a file
      cannot deliver the same event twice.
    - Two parameter layouts. Plain Asterisk writes the parameters of the KPIS.md grammar in
      data1..data5. PBXware's realtime table (recognised by its extra columns entpos,
      expos, htime, ttime) puts the caller number in param1 of most call events and the
      wait / talk / ring times in htime / ttime. The typed `reported_*` columns read
      whichever layout the row has; the timestamps remain the primary source of durations
      (DECISIONS.md D5), these parameters are the fallback.
    - Privacy. Caller and dialled numbers are replaced by their keyed hash: ENTERQUEUE's
      callerid (`customer_id`), PBXware's param1 on call events, and every parameter of
      events outside the documented grammar (vendor events such as PBXware OUTDIAL carry
      dialled numbers). Unknown events are kept and counted, never dropped.
    - Incremental by file (macros/incremental/incremental.sql, DECISIONS.md D60): a run
      reads only the files loaded since the last build and the files with events in the
      same time span (copies of an event share its epoch), and replaces their rows.
*/

{{ config(
    pre_hook="{{ delete_file_batch('raw_asterisk', 'queue_log', 'event_epoch') }}",
    **incremental_by_file_config()
) }}

with

{% if is_incremental() %}
{{ file_batch_ctes(source('raw_asterisk', 'queue_log'), 'event_epoch') }}
{% endif %}

source as (

    select * from {{ source('raw_asterisk', 'queue_log') }}
    {% if is_incremental() %}
    where {{ file_batch_rows_filter('event_epoch') }}
    {% endif %}

),

delivered as (

    select
        *,
        first_value(_file_name) over (
            partition by
                event_epoch, callid, queuename, agent, event,
                data1, data2, data3, data4, data5, source_uid
            order by _loaded_at, _file_name, _row_number
            rows between unbounded preceding and unbounded following
        ) as first_delivering_file,
        row_number() over (
            partition by
                event_epoch, callid, queuename, agent, event,
                data1, data2, data3, data4, data5, source_uid, _file_name
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

typed as (

    select
        *,
        upper(trim(event)) as event_type,
        (
            entpos is not null
            or expos is not null
            or htime is not null
            or ttime is not null
        ) as is_pbxware_layout
    from deduplicated

),

renamed as (

    select
        -- ids
        {{ surrogate_key([
            'event_epoch', 'callid', 'queuename', 'agent', 'event',
            'data1', 'data2', 'data3', 'data4', 'data5', 'source_uid', 'occurrence_in_file'
        ]) }} as event_id,
        {{ asterisk_none_to_null('callid') }} as call_id,
        {{ asterisk_none_to_null('queuename') }} as queue_id,
        {{ asterisk_none_to_null('agent') }} as agent_id,
        case
            when event_type = 'ENTERQUEUE' and is_pbxware_layout then {{ hash_pii('data1') }}
            when event_type = 'ENTERQUEUE' then {{ hash_pii('data2') }}
        end as customer_id,

        -- event
        event_type,
        event_type in {{ voice_sql_list(asterisk_known_events()) }} as is_known_event,

        -- timestamps
        event_epoch,
        event_at,

        -- parameters as written (numbers hashed, see the comment at the top)
        case
            when event_type not in {{ voice_sql_list(asterisk_known_events()) }}
                then {{ hash_pii('data1') }}
            when is_pbxware_layout
                and event_type not in {{ voice_sql_list(['CONNECT'] + asterisk_agent_and_system_events()) }}
                then {{ hash_pii('data1') }}
            else data1
        end as data1,
        case
            when event_type not in {{ voice_sql_list(asterisk_known_events()) }}
                then {{ hash_pii('data2') }}
            when event_type = 'ENTERQUEUE' then {{ hash_pii('data2') }}
            else data2
        end as data2,
        case
            when event_type not in {{ voice_sql_list(asterisk_known_events()) }}
                then {{ hash_pii('data3') }}
            else data3
        end as data3,
        case
            when event_type not in {{ voice_sql_list(asterisk_known_events()) }}
                then {{ hash_pii('data4') }}
            else data4
        end as data4,
        case
            when event_type not in {{ voice_sql_list(asterisk_known_events()) }}
                then {{ hash_pii('data5') }}
            else data5
        end as data5,

        -- typed parameters (either layout)
        case
            when is_pbxware_layout
                and event_type in {{ voice_sql_list(['CONNECT'] + asterisk_terminal_events()) }}
                then htime
            when event_type in ('CONNECT', 'COMPLETECALLER', 'COMPLETEAGENT')
                then {{ asterisk_parse_integer('data1') }}
            when event_type in ('ABANDON', 'EXITEMPTY', 'EXITWITHTIMEOUT')
                then {{ asterisk_parse_integer('data3') }}
            when event_type = 'EXITWITHKEY'
                then {{ asterisk_parse_integer('data4') }}
            when event_type in ('TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER')
                then {{ asterisk_parse_integer('data3') }}
        end as reported_wait_seconds,
        case
            when is_pbxware_layout
                and event_type in {{ voice_sql_list(asterisk_answered_terminal_events()) }}
                then ttime
            when event_type in ('COMPLETECALLER', 'COMPLETEAGENT')
                then {{ asterisk_parse_integer('data2') }}
            when event_type in ('TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER')
                then {{ asterisk_parse_integer('data4') }}
        end as reported_talk_seconds,
        case
            when event_type = 'CONNECT' then {{ asterisk_parse_integer('data3') }}
        end as reported_ring_seconds,
        case
            when event_type in ('RINGNOANSWER', 'RINGCANCELED') and is_pbxware_layout then htime
            when event_type in ('RINGNOANSWER', 'RINGCANCELED')
                then {{ asterisk_parse_integer('data1') }}
        end as ring_milliseconds,
        case
            when event_type = 'EXITWITHKEY' and not is_pbxware_layout then data1
        end as exit_key,
        case
            when event_type in ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL') then data1
        end as pause_reason,

        -- PBXware realtime extras, as exported
        entpos as pbx_entry_position,
        expos as pbx_exit_position,
        htime as pbx_htime,
        ttime as pbx_ttime,
        source_uid,
        source_local_time,

        -- lineage
        source_format,
        is_pbxware_layout,
        _file_name,
        _row_number,
        _loaded_at

    from typed

),

final as (

    select * from renamed

)

select * from final
