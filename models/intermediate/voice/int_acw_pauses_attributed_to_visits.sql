/*
    One row per queue visit (int_queue_visits_sessionized) with the answering agent's
    canonical id and the after-call work attributed to it (DECISIONS.md D11).

    Why: Asterisk has no ACW event; agents pause with a wrap-up reason when a call ends
    (int_agent_pause_intervals, state `acw`). A pause is the ACW of a call when it is the
    answering agent's (member names resolved through int_agent_member_aliases, as the
    agent models do) and it starts within var('acw_match_window_seconds', 5) seconds of
    the call's end (either side: queue_log and pause lines can be a second apart).
    Each pause goes to at most one call (the one whose end is nearest, then the latest),
    each call takes at most one pause (the nearest, then the earliest).
    acw_seconds: the pause's length for an ended answered call, 0 when it has none, NULL
    when the call was not answered or has not ended.
    Incremental by call day (DECISIONS.md D183): a visit of call day C ends on C or C + 1
    (calls last less than a day), so its ACW pause starts between C - 1 and C + 2 (the
    window crosses midnight); a pause that changed on day P concerns the visits of call
    days P - 2 .. P + 1, and a visit that changed on day C the visits that compete with it
    for a pause, of call days C - 1 .. C + 1. A rebuilt call day reads, as context, the
    visits of the day before and after (the other candidates of its pauses) and the pauses
    of C - 1 .. C + 2.
*/

{{ config(
    meta={'incremental_day_offsets': [-2, -1, 0, 1]},
    **incremental_by_day_config('call_day')
) }}

{%- set window_seconds = var('acw_match_window_seconds', 5) %}
{%- if window_seconds | int >= 1800 %}
    {{ exceptions.raise_compiler_error(
        "acw_match_window_seconds must be under 1800 (the match goes by the hour)") }}
{%- endif %}

{%- set call_days = incremental_days([
    {'relation': ref('int_queue_visits_sessionized'), 'day': 'call_day'},
    {'relation': ref('int_agent_pause_intervals'), 'day': 'cast(pause_started_at as date)',
     'where': "state = 'acw'",
     'columns': ['agent_pause_id', 'agent_id', 'pause_started_at', 'pause_ended_at']},
    {'relation': ref('int_agent_member_aliases'), 'columns': ['member_name', 'agent_id']},
], offsets=[-2, -1, 0, 1]) %}

with

visits as (

    select * from {{ ref('int_queue_visits_sessionized') }}
    where {{ incremental_day_filter('call_day', incremental_widen_days(call_days, [-1, 0, 1])) }}

),

aliases as (

    select * from {{ ref('int_agent_member_aliases') }}

),

acw_pauses as (

    select * from {{ ref('int_agent_pause_intervals') }}
    where state = 'acw'
        and {{ incremental_day_filter(
            'pause_started_at', incremental_widen_days(call_days, [-1, 0, 1, 2]), 'timestamp'
        ) }}

),

visits_with_agent as (

    select
        visits.*,
        coalesce(aliases.agent_id, visits.agent_id) as resolved_agent_id
    from visits
    left join aliases
        on visits.agent_id = aliases.member_name

),

-- the hours a pause matching the call can start in (the window is shorter than an hour, so
-- one or two): the join then hashes on agent and hour instead of comparing every call of an
-- agent with all the agent's pauses (a year: ~13,000 x 13,000 per agent; D204)
ended_visits as (

    {%- for edge in [-1, 1] %}

    select
        queue_visit_id,
        resolved_agent_id,
        ended_at,
        {{ dbt.date_trunc('hour', dbt.dateadd('second', edge * window_seconds, 'ended_at')) }}
            as match_hour
    from visits_with_agent
    where is_answered
        and ended_at is not null
    {%- if not loop.last %}

    union
    {%- endif %}
    {%- endfor %}

),

candidates as (

    select
        ended_visits.queue_visit_id,
        ended_visits.ended_at,
        acw_pauses.agent_pause_id,
        acw_pauses.pause_started_at,
        acw_pauses.pause_seconds,
        abs({{ dbt.datediff('ended_visits.ended_at', 'acw_pauses.pause_started_at', 'second') }})
            as gap_seconds
    from ended_visits
    inner join acw_pauses
        on ended_visits.resolved_agent_id = acw_pauses.agent_id
        and ended_visits.match_hour = {{ dbt.date_trunc('hour', 'acw_pauses.pause_started_at') }}
        and acw_pauses.pause_started_at
            >= {{ dbt.dateadd('second', -1 * window_seconds, 'ended_visits.ended_at') }}
        and acw_pauses.pause_started_at
            <= {{ dbt.dateadd('second', window_seconds, 'ended_visits.ended_at') }}

),

best_visit_per_pause as (

    select
        *,
        row_number() over (
            partition by agent_pause_id
            order by gap_seconds, ended_at desc, queue_visit_id
        ) as pause_rank
    from candidates

),

best_pause_per_visit as (

    select
        *,
        row_number() over (
            partition by queue_visit_id
            order by gap_seconds, pause_started_at, agent_pause_id
        ) as visit_rank
    from best_visit_per_pause
    where pause_rank = 1

),

attributed as (

    select * from best_pause_per_visit where visit_rank = 1

),

final as (

    select
        visits_with_agent.*,
        attributed.agent_pause_id as acw_pause_id,
        case
            when visits_with_agent.is_answered and visits_with_agent.ended_at is not null
                then coalesce(attributed.pause_seconds, 0)
        end as acw_seconds
    from visits_with_agent
    left join attributed
        on visits_with_agent.queue_visit_id = attributed.queue_visit_id
    where {{ incremental_day_filter('visits_with_agent.call_day', call_days) }}

)

select * from final
