/*
    One row per file load recorded in the ledger, renamed; nothing is filtered (history).
*/

with

source as (

    select * from {{ source('raw_ingest', 'file_ledger') }}

),

final as (

    select
        -- ids
        {{ surrogate_key(['file_name', 'file_sha256', 'status', 'loaded_at']) }} as file_load_id,
        file_name,
        source,
        entity,
        file_sha256,
        config_sha256,

        -- load
        status,
        message,
        loaded_at,

        -- measures
        size_bytes,
        rows_in,
        rows_loaded,
        rows_quarantined

    from source

)

select * from final
