{#-
    Why: a PBX may log an agent's queue membership under another name than the agent.
    PBXware's callback agents join a queue as `Local/1127@callback-agent` (ADDMEMBER,
    REMOVEMEMBER, PAUSE) while the agent itself logs in, answers and logs off as
    `Agent/1127` (AGENTCALLBACKLOGIN, CONNECT, AGENTCALLBACKLOGOFF). The PBX writes both
    names in the same login transaction (same call id, same second), so the alias is
    learnt from the data, not guessed from the name's shape. A member name with no such
    pair keeps its own name as agent id.
-#}

with

events as (

    select * from {{ ref('stg_asterisk__queue_log_events') }}

),

member_joins as (

    select
        call_id,
        event_at,
        agent_id as member_name
    from events
    where event_type = 'ADDMEMBER'
        and agent_id is not null
        and call_id is not null

),

agent_logins as (

    select
        call_id,
        event_at,
        agent_id
    from events
    where event_type in ('AGENTCALLBACKLOGIN', 'AGENTLOGIN')
        and agent_id is not null
        and call_id is not null

),

pairs as (

    select
        member_joins.member_name,
        agent_logins.agent_id,
        count(*) as logins_paired,
        max(member_joins.event_at) as last_paired_at
    from member_joins
    inner join agent_logins
        on member_joins.call_id = agent_logins.call_id
        and member_joins.event_at >= {{ dbt.dateadd('second', -5, 'agent_logins.event_at') }}
        and member_joins.event_at <= {{ dbt.dateadd('second', 5, 'agent_logins.event_at') }}
    where member_joins.member_name <> agent_logins.agent_id
    group by
        member_joins.member_name,
        agent_logins.agent_id

),

ranked as (

    -- a member name paired with two agents (a re-used extension) keeps the most frequent
    select
        *,
        row_number() over (
            partition by member_name
            order by logins_paired desc, last_paired_at desc, agent_id
        ) as pair_rank
    from pairs

),

final as (

    select
        -- ids
        member_name,
        agent_id,

        -- evidence
        logins_paired,
        last_paired_at

    from ranked
    where pair_rank = 1

)

select * from final
