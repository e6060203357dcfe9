{#-
    One row per month, site and cost type. Finance re-issues a month when it closes the
    books, so a later file for the same month, site and cost type replaces the earlier line
    (latest load, then the later file name, then the last line).
-#}

with

source as (

    select * from {{ source('raw_finance', 'monthly_costs') }}

),

ranked as (

    select
        month as cost_month,
        upper(trim(site_id)) as site_id,
        lower(trim(cost_type)) as cost_type,
        amount,
        upper(trim(currency)) as currency,
        fte,
        nullif(trim(note), '') as note,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by month, upper(trim(site_id)), lower(trim(cost_type))
            order by _loaded_at desc, _file_name desc, _row_number desc
        ) as recency_rank
    from source

),

final as (

    select
        cost_month,
        site_id,
        cost_type,
        amount,
        currency,
        fte,
        note,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where recency_rank = 1

)

select * from final
