{#-
    One row per agent and interval of Amazon Connect's agent historical metrics report; as
    stg_amazon_connect__queue_intervals (latest load wins; empty counts and seconds are zero).
-#}

with

source as (

    select * from {{ source('raw_amazon_connect', 'agent_intervals') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by agent, interval_start
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        trim(agent) as agent_login,
        interval_start as interval_start_at,
        interval_end as interval_end_at,
        coalesce(contacts_handled, 0) as contacts_handled,
        coalesce(agent_interaction_seconds, 0) as agent_interaction_seconds,
        coalesce(customer_hold_seconds, 0) as customer_hold_seconds,
        coalesce(after_contact_work_seconds, 0) as after_contact_work_seconds,
        coalesce(contact_handle_seconds, 0) as contact_handle_seconds,
        coalesce(agent_on_contact_seconds, 0) as agent_on_contact_seconds,
        coalesce(agent_idle_seconds, 0) as agent_idle_seconds,
        avg_handle_seconds,
        occupancy,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
