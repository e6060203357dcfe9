{#-
    One row per scheduled agent activity. A re-published schedule replaces the earlier one:
    for each agent and local day only the rows of the latest publication are kept (latest
    published_at, then latest load, then the later file), so a day re-planned on Tuesday
    shows the Tuesday plan and never a mix of two plans.
-#}

with

source as (

    select * from {{ source('raw_wfm', 'schedules') }}

),

renamed as (

    select
        trim(agent_id) as agent_id,
        schedule_date,
        nullif(trim(agent_name), '') as agent_name,
        lower(trim(activity)) as activity,
        start_time as activity_started_at,
        end_time as activity_ended_at,
        published_at,
        _file_name,
        _row_number,
        _loaded_at
    from source

),

publications as (

    select
        agent_id,
        schedule_date,
        _file_name,
        max(published_at) as published_at,
        max(_loaded_at) as loaded_at
    from renamed
    group by
        agent_id,
        schedule_date,
        _file_name

),

latest_publication as (

    select
        agent_id,
        schedule_date,
        _file_name,
        row_number() over (
            partition by agent_id, schedule_date
            order by published_at desc nulls last, loaded_at desc, _file_name desc
        ) as publication_rank
    from publications

),

final as (

    select
        {{ contact_center.surrogate_key(['renamed.agent_id', 'renamed.activity_started_at', 'renamed.activity']) }} as schedule_activity_id,
        renamed.agent_id,
        renamed.schedule_date,
        renamed.agent_name,
        renamed.activity,
        renamed.activity_started_at,
        renamed.activity_ended_at,
        cast({{ dbt.datediff('renamed.activity_started_at', 'renamed.activity_ended_at', 'second') }} as {{ dbt.type_bigint() }}) as activity_seconds,
        renamed.published_at,
        renamed._file_name,
        renamed._row_number,
        renamed._loaded_at
    from renamed
    inner join latest_publication
        on renamed.agent_id = latest_publication.agent_id
        and renamed.schedule_date = latest_publication.schedule_date
        and renamed._file_name = latest_publication._file_name
    where latest_publication.publication_rank = 1

)

select * from final
