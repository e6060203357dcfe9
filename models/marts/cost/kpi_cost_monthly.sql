/*
    One row per site, calendar month and channel (voice, each digital channel, outbound).

    KPIS.md: cost per contact = total cost / handled contacts, per period and channel.
    - cost: the month's lines of the finance extract (stg_finance__monthly_costs) of the
      site, every cost type (people, platform, telephony, facilities, outsourcing, other);
      the people + platform variant keeps only those two (DECISIONS.md D107);
    - handled contacts: voice and digital contacts answered by an agent (fct_contacts,
      inbound), counted on their local day; outbound calls that connected
      (fct_dial_attempts), channel 'outbound';
    - a site-month's cost is split over its channels in proportion to their agent handle
      seconds (talk + hold + ACW; digital handle; outbound talk + wrap-up), so channel costs
      add up to the site's month; a month with cost but no handle time keeps its cost on
      channel 'unallocated'.
*/

with

costs as (

    select * from {{ ref('stg_finance__monthly_costs') }}

),

contacts as (

    select * from {{ ref('fct_contacts') }}
    where is_answered
        and direction = 'inbound'

),

attempts as (

    select * from {{ ref('fct_dial_attempts') }}
    where is_connected

),

site_costs as (

    select
        site_id,
        cost_month,
        max(currency) as currency,
        sum(amount) as total_cost,
        coalesce({{ sum_where('amount', "cost_type in ('people', 'platform')") }}, 0)
            as people_platform_cost,
        coalesce({{ sum_where('amount', "cost_type = 'people'") }}, 0) as people_cost
    from costs
    group by site_id, cost_month

),

handled as (

    select
        site_id,
        cast({{ dbt.date_trunc('month', 'contact_date') }} as date) as cost_month,
        channel,
        count(*) as contacts_handled,
        coalesce(sum(handle_seconds), 0) as handle_seconds
    from contacts
    group by site_id, cast({{ dbt.date_trunc('month', 'contact_date') }} as date), channel

    union all

    select
        site_id,
        cast({{ dbt.date_trunc('month', 'attempt_date') }} as date) as cost_month,
        'outbound' as channel,
        count(*) as contacts_handled,
        coalesce(sum(handle_seconds), 0) as handle_seconds
    from attempts
    group by site_id, cast({{ dbt.date_trunc('month', 'attempt_date') }} as date)

),

site_handle as (

    select
        site_id,
        cost_month,
        sum(handle_seconds) as site_handle_seconds
    from handled
    group by site_id, cost_month

),

allocated as (

    select
        handled.site_id,
        handled.cost_month,
        handled.channel,
        handled.contacts_handled,
        handled.handle_seconds,
        site_costs.currency,
        cast(site_costs.total_cost as {{ dbt.type_numeric() }}) * handled.handle_seconds
            / nullif(site_handle.site_handle_seconds, 0) as total_cost,
        cast(site_costs.people_platform_cost as {{ dbt.type_numeric() }}) * handled.handle_seconds
            / nullif(site_handle.site_handle_seconds, 0) as people_platform_cost,
        cast(site_costs.people_cost as {{ dbt.type_numeric() }}) * handled.handle_seconds
            / nullif(site_handle.site_handle_seconds, 0) as people_cost
    from handled
    inner join site_handle
        on handled.site_id = site_handle.site_id
        and handled.cost_month = site_handle.cost_month
    left join site_costs
        on handled.site_id = site_costs.site_id
        and handled.cost_month = site_costs.cost_month
    where site_handle.site_handle_seconds > 0

    union all

    -- cost with no handle time that month to spread it over
    select
        site_costs.site_id,
        site_costs.cost_month,
        'unallocated' as channel,
        0 as contacts_handled,
        0 as handle_seconds,
        site_costs.currency,
        site_costs.total_cost,
        site_costs.people_platform_cost,
        site_costs.people_cost
    from site_costs
    left join site_handle
        on site_costs.site_id = site_handle.site_id
        and site_costs.cost_month = site_handle.cost_month
        and site_handle.site_handle_seconds > 0
    where site_handle.site_id is null

),

final as (

    select
        -- keys
        site_id,
        cost_month as kpi_date,
        channel,
        currency,

        -- counts and totals
        cast(contacts_handled as {{ dbt.type_bigint() }}) as contacts_handled,
        cast(handle_seconds as {{ dbt.type_bigint() }}) as handle_seconds,
        cast(total_cost as numeric(28, 2)) as total_cost,
        cast(people_platform_cost as numeric(28, 2)) as people_platform_cost,
        cast(people_cost as numeric(28, 2)) as people_cost,

        -- ratios, each with its numerator and denominator
        {{ average('total_cost', 'contacts_handled') }} as cost_per_contact,
        cast(total_cost as numeric(28, 2)) as cost_per_contact_numerator,
        cast(contacts_handled as {{ dbt.type_bigint() }}) as cost_per_contact_denominator,
        {{ average('people_platform_cost', 'contacts_handled') }}
            as cost_per_contact_people_platform,
        cast(people_platform_cost as numeric(28, 2))
            as cost_per_contact_people_platform_numerator,
        cast(contacts_handled as {{ dbt.type_bigint() }})
            as cost_per_contact_people_platform_denominator

    from allocated

)

select * from final
