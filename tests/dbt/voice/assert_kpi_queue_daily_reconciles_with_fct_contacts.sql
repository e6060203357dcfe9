{{ config(meta={'dagster': {'ref': {'name': 'kpi_queue_daily'}}}) }}
/*
    Reconciliation: the daily queue KPIs (re-aggregated from the intervals) add up to the
    contacts they come from, per queue and local day, for every additive measure that a
    wrong join or a lost interval would change.
*/

with

contacts as (

    select
        queue_id,
        contact_date as date_local,
        {{ count_where('is_offered') }} as calls_offered,
        {{ count_where('is_answered') }} as calls_answered,
        {{ count_where('is_abandoned') }} as calls_abandoned,
        {{ count_where('is_short_abandon') }} as calls_short_abandoned,
        {{ count_where('is_answered_within_threshold') }} as calls_answered_within_threshold,
        {{ count_where("outcome = 'lost_before_queue'") }} as calls_lost_before_queue,
        coalesce({{ sum_where('wait_seconds', 'is_offered') }}, 0) as wait_seconds_all,
        coalesce({{ sum_where('handle_seconds', 'is_answered') }}, 0) as handle_seconds
    from {{ ref('fct_contacts') }}
    where channel = 'voice'
    group by queue_id, contact_date

),

daily as (

    select
        queue_id,
        date_local,
        sum(calls_offered) as calls_offered,
        sum(calls_answered) as calls_answered,
        sum(calls_abandoned) as calls_abandoned,
        sum(calls_short_abandoned) as calls_short_abandoned,
        sum(calls_answered_within_threshold) as calls_answered_within_threshold,
        sum(calls_lost_before_queue) as calls_lost_before_queue,
        coalesce(sum(wait_seconds_all), 0) as wait_seconds_all,
        coalesce(sum(handle_seconds), 0) as handle_seconds
    from {{ ref('kpi_queue_daily') }}
    group by queue_id, date_local

)

select
    coalesce(contacts.queue_id, daily.queue_id) as queue_id,
    coalesce(contacts.date_local, daily.date_local) as date_local
from contacts
full outer join daily
    on contacts.queue_id = daily.queue_id
    and contacts.date_local = daily.date_local
where contacts.queue_id is null
    or daily.queue_id is null
    or contacts.calls_offered <> daily.calls_offered
    or contacts.calls_answered <> daily.calls_answered
    or contacts.calls_abandoned <> daily.calls_abandoned
    or contacts.calls_short_abandoned <> daily.calls_short_abandoned
    or contacts.calls_answered_within_threshold <> daily.calls_answered_within_threshold
    or contacts.calls_lost_before_queue <> daily.calls_lost_before_queue
    or contacts.wait_seconds_all <> daily.wait_seconds_all
    or contacts.handle_seconds <> daily.handle_seconds
