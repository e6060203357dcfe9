{#-
    One row per employment in the HR roster history (hire to leave). The export is a full
    snapshot: the latest line of an employee wins (latest load, later file, last line). The
    employee's name is not carried (PII the marts do not need).
-#}

with

source as (

    select * from {{ source('raw_hr', 'roster_history') }}

),

ranked as (

    select
        source.*,
        row_number() over (
            partition by trim(employee_id)
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        -- ids
        trim(employee_id) as employee_id,
        nullif(trim(agent_id), '') as agent_id,
        upper(trim(site_id)) as site_id,

        -- attributes
        nullif(trim(team), '') as team,
        nullif(lower(trim(role)), '') as role,
        nullif(lower(trim(contract)), '') as contract,

        -- dates
        hire_date,
        leave_date,
        nullif(lower(trim(leave_reason)), '') as leave_reason,

        -- lineage
        _file_name,
        _row_number,
        _loaded_at

    from ranked
    where recency_rank = 1

)

select * from final
