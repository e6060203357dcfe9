{#-
    One row per queue and interval of Amazon Connect's queue historical metrics report. A
    report downloaded again (overlapping periods) repeats intervals: the latest load wins.
    Empty cells are zero for counts and seconds (the console leaves a cell empty when
    nothing happened); averages and percentages stay NULL when empty (not computable).
-#}

with

source as (

    select * from {{ source('raw_amazon_connect', 'queue_intervals') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by queue, interval_start
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        trim(queue) as queue_name,
        interval_start as interval_start_at,
        interval_end as interval_end_at,
        coalesce(contacts_handled, 0) as contacts_handled,
        coalesce(contacts_handled_incoming, 0) as contacts_handled_incoming,
        coalesce(contacts_abandoned, 0) as contacts_abandoned,
        coalesce(contacts_answered_in_20_seconds, 0) as contacts_answered_in_20_seconds,
        coalesce(contacts_answered_in_60_seconds, 0) as contacts_answered_in_60_seconds,
        coalesce(contacts_abandoned_in_20_seconds, 0) as contacts_abandoned_in_20_seconds,
        coalesce(contacts_abandoned_in_60_seconds, 0) as contacts_abandoned_in_60_seconds,
        coalesce(agent_interaction_seconds, 0) as agent_interaction_seconds,
        coalesce(customer_hold_seconds, 0) as customer_hold_seconds,
        coalesce(after_contact_work_seconds, 0) as after_contact_work_seconds,
        coalesce(contact_handle_seconds, 0) as contact_handle_seconds,
        coalesce(agent_on_contact_seconds, 0) as agent_on_contact_seconds,
        coalesce(agent_idle_seconds, 0) as agent_idle_seconds,
        avg_handle_seconds,
        service_level_20_seconds,
        service_level_60_seconds,
        occupancy,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
