{#-
    One row per outbound dial attempt of the dialer. An attempt delivered twice keeps its
    latest line. Connected = the dialer's result 'connected'; a right-party contact needs a
    connected call (an RPC flag on an unconnected attempt is ignored); a sale is the
    disposition 'sale'. The number dialled is hashed with the keyed hash.
-#}

with

source as (

    select * from {{ source('raw_outbound', 'attempts') }}

),

ranked as (

    select
        source.*,
        row_number() over (
            partition by trim(attempt_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        -- ids
        trim(attempt_id) as attempt_id,
        trim(campaign_id) as campaign_id,
        nullif(trim(list_id), '') as list_id,
        trim(lead_id) as lead_id,
        {{ hash_pii('phone_number') }} as customer_id,
        nullif(trim(agent_id), '') as agent_id,
        attempt_number,

        -- timestamps
        attempt_at as attempted_at,
        answered_at,
        ended_at,

        -- measures
        talk_seconds,
        wrapup_seconds,
        sale_amount,

        -- outcome
        lower(trim(result)) as result,
        nullif(lower(trim(disposition)), '') as disposition,
        case when lower(trim(result)) = 'connected' then true else false end as is_connected,
        case
            when lower(trim(result)) = 'connected' and is_right_party then true
            else false
        end as is_right_party_contact,
        case
            when lower(trim(result)) = 'connected' and lower(trim(disposition)) = 'sale'
                then true
            else false
        end as is_sale,

        -- lineage
        _file_name,
        _row_number,
        _loaded_at

    from ranked
    where recency_rank = 1

)

select * from final
