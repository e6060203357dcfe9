{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_agent_sessions_sessionized'}}}) }}
-- AGENTLOGOFF and AGENTCALLBACKLOGOFF carry the PBX's own count of the session's length
-- (data2, logintime in seconds). Sessions ended by such a logoff should last as long,
-- give or take the second between the login and the first ADDMEMBER line. Returns the
-- sessions that differ by more than 2 seconds (warning: a session that merged a
-- membership opened before the login is legitimately longer).
with

events as (

    select * from {{ ref('stg_asterisk__queue_log_events') }}

),

aliases as (

    select * from {{ ref('int_agent_member_aliases') }}

),

sessions as (

    select * from {{ ref('int_agent_sessions_sessionized') }}

),

logoffs as (

    select
        coalesce(aliases.agent_id, events.agent_id) as agent_id,
        events.event_at,
        cast(trim(events.data2) as {{ dbt.type_bigint() }}) as pbx_logintime_seconds
    from events
    left join aliases
        on events.agent_id = aliases.member_name
    where events.event_type in ('AGENTLOGOFF', 'AGENTCALLBACKLOGOFF')
        and events.data2 is not null
        and length(trim(events.data2)) between 1 and 18
        and length(translate(trim(events.data2), '0123456789', '')) = 0

)

select
    sessions.agent_id,
    sessions.agent_session_id,
    sessions.session_started_at,
    sessions.session_ended_at,
    sessions.session_seconds,
    logoffs.pbx_logintime_seconds
from sessions
inner join logoffs
    on sessions.agent_id = logoffs.agent_id
    and logoffs.event_at >= {{ dbt.dateadd('second', -1, 'sessions.session_ended_at') }}
    and logoffs.event_at <= {{ dbt.dateadd('second', 1, 'sessions.session_ended_at') }}
where abs(sessions.session_seconds - logoffs.pbx_logintime_seconds) > 2
