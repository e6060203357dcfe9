{{ config(meta={'dagster': {'ref': {'name': 'fct_contacts'}}}) }}
/*
    A call lost before the queue must never have entered one: no ENTERQUEUE of its id in
    queue_log. (A call refused by one queue and then queued elsewhere is offered there.)
*/

select
    contacts.contact_id,
    contacts.call_id
from {{ ref('fct_contacts') }} as contacts
inner join {{ ref('stg_asterisk__queue_log_events') }} as events
    on contacts.call_id = events.call_id
    and events.event_type = 'ENTERQUEUE'
where contacts.outcome = 'lost_before_queue'
