{{ config(meta={'dagster': {'ref': {'name': 'fct_agent_states'}}}) }}
-- Each state row lies inside its reporting interval [interval_start_at, + interval_minutes),
-- its local interval start is the local time of interval_start_at, and its date is the
-- interval's local date. Returns the rows that break this.
with

agent_states as (

    select * from {{ ref('fct_agent_states') }}

),

sites as (

    select * from {{ ref('sites') }}

),

-- the expected local start of each distinct interval and site, converted once (not once
-- per state row: 12.9 M rows on the year took 51 s, D209)
interval_starts as (

    select distinct
        agent_states.site_id,
        agent_states.interval_start_at,
        sites.time_zone
    from agent_states
    inner join sites
        on agent_states.site_id = sites.site_id

),

expected as (

    select
        site_id,
        interval_start_at,
        {{ contact_center.utc_to_local('interval_start_at', 'time_zone') }} as interval_start_local_expected
    from interval_starts

),

checked as (

    select
        agent_states.*,
        {{ dbt.dateadd('minute', var('interval_minutes'), 'agent_states.interval_start_at') }} as interval_end_at,
        expected.interval_start_local_expected
    from agent_states
    inner join expected
        on agent_states.site_id = expected.site_id
        and agent_states.interval_start_at = expected.interval_start_at

)

select *
from checked
where state_started_at < interval_start_at
    or state_ended_at > interval_end_at
    or interval_start_local <> interval_start_local_expected
    or state_date <> cast(interval_start_local as date)
