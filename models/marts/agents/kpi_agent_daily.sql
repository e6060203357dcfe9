{#-
    Why two sources: what the agent did with calls (contacts handled, talk, hold, the ACW
    attributed to each call, handle time) comes from fct_contacts, counted on the
    contact's date (the local date it entered the queue, DECISIONS.md D3) so that the
    agents' contacts of a day add up to the queues' calls handled; how the agent spent
    the logged-in time (on contact, ACW, paused, available) comes from fct_agent_states,
    on the local date of the agent's site. The ratios take all their inputs from the
    states, so that occupancy, utilization and shrinkage describe one consistent
    timeline: handling = on_contact + acw *state* seconds (acw_state_seconds), which may
    differ from acw_seconds (ACW attributed to the calls handled that day).
    Incremental by local day (DECISIONS.md D132): a run rebuilds the days whose agent
    states or voice contacts changed; all days when an agent's name, team or site, or a
    member alias, changed.
-#}

{{ config(**incremental_by_day_config('date_local')) }}

{%- set days = incremental_days([
    {'relation': ref('fct_agent_states'), 'day': 'state_date',
     'columns': ['agent_id', 'site_id', 'state', 'pause_reason', 'state_started_at',
                 'state_ended_at', 'interval_start_at']},
    {'relation': ref('fct_contacts'), 'day': 'contact_date', 'where': "channel = 'voice'"},
    {'relation': ref('dim_agents'), 'columns': ['agent_id', 'site_id', 'agent_name', 'team']},
    {'relation': ref('int_agent_member_aliases'), 'columns': ['member_name', 'agent_id']},
]) %}

with

agent_states as (

    select * from {{ ref('fct_agent_states') }}
    where {{ incremental_day_filter('state_date', days) }}

),

contacts as (

    -- voice only: digital work is in kpi_channel_daily (DECISIONS.md D100)
    select * from {{ ref('fct_contacts') }}
    where channel = 'voice'
        and {{ incremental_day_filter('contact_date', days) }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

aliases as (

    select * from {{ ref('int_agent_member_aliases') }}

),

states_daily as (

    select
        agent_id,
        state_date as date_local,
        cast({{ contact_center.sum_where('duration_seconds', "state = 'on_contact'") }} as {{ dbt.type_bigint() }}) as on_contact_seconds,
        cast({{ contact_center.sum_where('duration_seconds', "state = 'acw'") }} as {{ dbt.type_bigint() }}) as acw_state_seconds,
        cast({{ contact_center.sum_where('duration_seconds', "state = 'paused'") }} as {{ dbt.type_bigint() }}) as paused_seconds,
        cast({{ contact_center.sum_where('duration_seconds', "state = 'available'") }} as {{ dbt.type_bigint() }}) as available_seconds,
        cast(sum(duration_seconds) as {{ dbt.type_bigint() }}) as logged_in_seconds
    from agent_states
    group by
        agent_id,
        state_date

),

contacts_daily as (

    select
        coalesce(aliases.agent_id, contacts.agent_id) as agent_id,
        contacts.contact_date as date_local,
        count(*) as contacts_handled,
        -- an answered call still connected at the end of the data has no handle time yet
        count(contacts.handle_seconds) as contacts_with_handle_time,
        cast(sum(coalesce(contacts.talk_seconds, 0)) as {{ dbt.type_bigint() }}) as talk_seconds,
        cast(sum(coalesce(contacts.hold_seconds, 0)) as {{ dbt.type_bigint() }}) as hold_seconds,
        cast(sum(coalesce(contacts.acw_seconds, 0)) as {{ dbt.type_bigint() }}) as acw_seconds,
        cast(sum(coalesce(contacts.handle_seconds, 0)) as {{ dbt.type_bigint() }}) as handle_seconds
    from contacts
    left join aliases
        on contacts.agent_id = aliases.member_name
    where contacts.is_answered
        and contacts.agent_id is not null
    group by
        coalesce(aliases.agent_id, contacts.agent_id),
        contacts.contact_date

),

agent_days as (

    select agent_id, date_local from states_daily
    union
    select agent_id, date_local from contacts_daily

),

joined as (

    select
        agent_days.agent_id,
        agent_days.date_local,
        coalesce(contacts_daily.contacts_handled, 0) as contacts_handled,
        coalesce(contacts_daily.contacts_with_handle_time, 0) as contacts_with_handle_time,
        coalesce(contacts_daily.talk_seconds, 0) as talk_seconds,
        coalesce(contacts_daily.hold_seconds, 0) as hold_seconds,
        coalesce(contacts_daily.acw_seconds, 0) as acw_seconds,
        coalesce(contacts_daily.handle_seconds, 0) as handle_seconds,
        coalesce(states_daily.on_contact_seconds, 0) as on_contact_seconds,
        coalesce(states_daily.acw_state_seconds, 0) as acw_state_seconds,
        coalesce(states_daily.available_seconds, 0) as available_seconds,
        coalesce(states_daily.paused_seconds, 0) as paused_seconds,
        coalesce(states_daily.logged_in_seconds, 0) as logged_in_seconds
    from agent_days
    left join states_daily
        on agent_days.agent_id = states_daily.agent_id
        and agent_days.date_local = states_daily.date_local
    left join contacts_daily
        on agent_days.agent_id = contacts_daily.agent_id
        and agent_days.date_local = contacts_daily.date_local

),

with_handling as (

    select
        *,
        on_contact_seconds + acw_state_seconds as handling_seconds
    from joined

),

final as (

    select
        -- keys
        with_handling.agent_id,
        agents.site_id,
        with_handling.date_local,
        agents.agent_name,
        agents.team,

        -- contacts handled (fct_contacts, by contact date)
        with_handling.contacts_handled,
        with_handling.talk_seconds,
        with_handling.hold_seconds,
        with_handling.acw_seconds,
        with_handling.handle_seconds,

        -- logged-in time by state (fct_agent_states, by local state date)
        with_handling.on_contact_seconds,
        with_handling.acw_state_seconds,
        with_handling.available_seconds,
        with_handling.paused_seconds,
        with_handling.logged_in_seconds,

        -- occupancy = handling / (handling + available)
        {{ contact_center.ratio('with_handling.handling_seconds', 'with_handling.handling_seconds + with_handling.available_seconds') }} as occupancy,
        with_handling.handling_seconds as occupancy_numerator,
        with_handling.handling_seconds + with_handling.available_seconds as occupancy_denominator,

        -- utilization = handling / logged in
        {{ contact_center.ratio('with_handling.handling_seconds', 'with_handling.logged_in_seconds') }} as utilization,
        with_handling.handling_seconds as utilization_numerator,
        with_handling.logged_in_seconds as utilization_denominator,

        -- shrinkage = paused / logged in
        {{ contact_center.ratio('with_handling.paused_seconds', 'with_handling.logged_in_seconds') }} as shrinkage,
        with_handling.paused_seconds as shrinkage_numerator,
        with_handling.logged_in_seconds as shrinkage_denominator,

        -- AHT = (talk + hold + acw) / contacts handled whose handle time is known
        {{ contact_center.average('with_handling.handle_seconds', 'with_handling.contacts_with_handle_time') }} as aht_seconds,
        with_handling.handle_seconds as aht_seconds_numerator,
        with_handling.contacts_with_handle_time as aht_seconds_denominator

    from with_handling
    left join agents
        on with_handling.agent_id = agents.agent_id

)

select * from final
