/*
    One row per quarantined line (or JSON record), with a class for its reason.

    The raw line is not selected: it can hold a caller's number or name, and nothing raw
    about a customer leaves staging (DECISIONS.md D13, D16). The class is the first of the
    patterns below that the reason matches: a line can have several reasons, joined by '; ',
    and the first one is the one that made it unreadable. The texts are those of
    orchestration/ingest (reader.py, asterisk.py, mapping.py, records.py, pipeline.py).
*/

with

source as (

    select * from {{ source('raw_ingest', 'quarantine') }}

),

classified as (

    select
        *,
        lower(reason) as reason_lower
    from source

),

final as (

    select
        -- ids
        {{ surrogate_key(['file_name', 'file_sha256', 'line_number', 'reason']) }}
            as quarantined_row_id,
        file_name,
        file_sha256,
        line_number,

        -- reason
        reason,
        case
            when reason_lower like '%truncated: the last line has no line end%'
                then 'truncated_line'
            when reason_lower like '%file rejected by its contract%' then 'contract_rejected'
            when reason_lower like '%blank line' then 'blank_line'
            when reason_lower like '%nul byte%' then 'nul_bytes'
            when reason_lower like '%characters long, over the%' then 'line_too_long'
            when reason_lower like '%the fields are separated by%' then 'wrong_separator'
            when reason_lower like '%unbalanced double quotes%'
                or reason_lower like '%malformed quoting%'
                then 'quoting'
            when reason_lower like '%expected %fields%found%' then 'field_count'
            when reason_lower like '%excluded by the mapping%' then 'excluded_by_mapping'
            when reason_lower like '%not valid json%'
                or reason_lower like '%, not an object%'
                or reason_lower like '%the array is not closed%'
                then 'invalid_json'
            when reason_lower like '%no contactid%' then 'not_a_contact_record'
            when reason_lower like '%is negative%'
                or reason_lower like '%is greater than duration%'
                or reason_lower like '%) is before contact.%'
                then 'impossible_value'
            when reason_lower like '%is empty%' then 'missing_value'
            when reason_lower like '%is not a%'
                or reason_lower like '%out of range%'
                or reason_lower like '%is neither%'
                or reason_lower like '%has a utc offset%'
                or reason_lower like '%not one of%'
                then 'invalid_value'
            when reason_lower like '%the csv reader%' or reason_lower like '%utf-8%'
                then 'unreadable_line'
            else 'other'
        end as reason_class,

        -- timestamps
        quarantined_at

    from classified

)

select * from final
