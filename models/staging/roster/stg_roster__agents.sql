{#-
    One row per agent of the roster. The file is typed by hand, so ids and labels are
    trimmed, empty strings become NULL, and an agent listed twice keeps its last line
    (latest load, then last line in the file): the roster's later line is the correction.
-#}

with

source as (

    select * from {{ source('raw_roster', 'agents') }}

),

cleaned as (

    select
        -- ids
        trim(agent_id) as agent_id,
        nullif(upper(trim(site_id)), '') as site_id,

        -- attributes
        nullif(trim(agent_name), '') as agent_name,
        nullif(trim(team), '') as team,
        nullif(trim(role), '') as role,

        -- dates
        hire_date,
        leave_date,

        -- lineage
        _file_name,
        _row_number,
        _loaded_at,

        row_number() over (
            partition by trim(agent_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank

    from source
    where nullif(trim(agent_id), '') is not null

),

final as (

    select
        agent_id,
        site_id,
        agent_name,
        team,
        role,
        hire_date,
        leave_date,
        _file_name,
        _row_number,
        _loaded_at
    from cleaned
    where recency_rank = 1

)

select * from final
