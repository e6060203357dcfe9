{#-
    One row per survey invitation that was answered: the first response to an invitation
    counts (a customer who answers twice through the same link is one response), then the
    latest load, file and line of that response.
-#}

with

source as (

    select * from {{ source('raw_surveys', 'responses') }}

),

ranked as (

    select
        trim(response_id) as response_id,
        trim(invitation_id) as invitation_id,
        responded_at,
        csat as csat_score,
        nps as nps_score,
        ces as ces_score,
        nullif(trim(comment), '') as comment,
        _file_name,
        _row_number,
        _loaded_at,
        row_number() over (
            partition by trim(invitation_id)
            order by responded_at, trim(response_id), _loaded_at desc, _file_name desc,
                _row_number desc
        ) as response_rank
    from source

),

final as (

    select
        response_id,
        invitation_id,
        responded_at,
        csat_score,
        nps_score,
        ces_score,
        comment,
        _file_name,
        _row_number,
        _loaded_at
    from ranked
    where response_rank = 1

)

select * from final
