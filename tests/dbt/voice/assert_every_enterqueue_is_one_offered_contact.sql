{{ config(meta={'dagster': {'ref': {'name': 'fct_contacts'}}}) }}
/*
    Reconciliation: every ENTERQUEUE in staging is exactly one offered contact in
    fct_contacts (same call, queue and entry time), and every offered Asterisk contact is either
    an ENTERQUEUE or a visit of a call that entered before the data began (visit 0,
    int_queue_visits_sessionized.has_queue_entry_event = false). Returns the
    (call, queue, entry time) keys whose counts differ; an ENTERQUEUE without callid or
    queue shows up with a NULL key and fails the test too.
*/

with

entries as (

    select
        call_id,
        queue_id,
        event_at as queue_entered_at,
        count(*) as expected_contacts
    from {{ ref('stg_asterisk__queue_log_events') }}
    where event_type = 'ENTERQUEUE'
    group by call_id, queue_id, event_at

),

visits_without_entry as (

    select
        call_id,
        queue_id,
        queue_entered_at,
        count(*) as expected_contacts
    from {{ ref('int_queue_visits_sessionized') }}
    where not has_queue_entry_event
    group by call_id, queue_id, queue_entered_at

),

expected as (

    select
        call_id,
        queue_id,
        queue_entered_at,
        sum(expected_contacts) as expected_contacts
    from (
        select * from entries
        union all
        select * from visits_without_entry
    ) as unioned
    group by call_id, queue_id, queue_entered_at

),

offered as (

    select
        call_id,
        queue_id,
        queue_entered_at,
        count(*) as offered_contacts
    from {{ ref('fct_contacts') }}
    where is_offered
        and source_system = 'asterisk'
    group by call_id, queue_id, queue_entered_at

),

compared as (

    select
        coalesce(expected.call_id, offered.call_id) as call_id,
        coalesce(expected.queue_id, offered.queue_id) as queue_id,
        coalesce(expected.queue_entered_at, offered.queue_entered_at) as queue_entered_at,
        coalesce(expected.expected_contacts, 0) as expected_contacts,
        coalesce(offered.offered_contacts, 0) as offered_contacts
    from expected
    full outer join offered
        on expected.call_id = offered.call_id
        and expected.queue_id = offered.queue_id
        and expected.queue_entered_at = offered.queue_entered_at

)

select *
from compared
where expected_contacts <> offered_contacts
