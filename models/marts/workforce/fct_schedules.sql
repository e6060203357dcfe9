{#-
    The plan: every scheduled activity of every agent as published by the WFM tool (the
    latest publication per agent and day, stg_wfm__schedules). `shift` rows span a login
    window; the planned activities (break, lunch, meeting, training, ...) lie inside them.
-#}

with

schedules as (

    select * from {{ ref('stg_wfm__schedules') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

final as (

    select
        -- ids
        schedules.schedule_activity_id,
        schedules.agent_id,
        coalesce(agents.site_id, '{{ var("default_site_id") }}') as site_id,

        -- attributes
        agents.team,
        schedules.activity,
        case when schedules.activity = 'shift' then false else true end as is_planned_shrinkage,

        -- timestamps
        schedules.activity_started_at,
        schedules.activity_ended_at,
        schedules.published_at,

        -- dates
        schedules.schedule_date,

        -- measures
        schedules.activity_seconds

    from schedules
    left join agents
        on schedules.agent_id = agents.agent_id

)

select * from final
