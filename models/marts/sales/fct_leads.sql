/*
    One row per web-form lead: when it was submitted, created in the CRM and first called,
    speed to lead in calendar and business minutes, and whether it became a sale.

    Why it is built this way:
    - Speed to lead runs from the form's submission to the first call (KPIS.md: form
      submitted -> lead in CRM -> first dial); the CRM-creation step is kept as its own
      span. Business minutes are the part of the span inside the site's opening windows
      (int_business_windows: opening hours per weekday, holidays excluded, DST-safe), so a
      form sent on Saturday evening and called on Monday at 08:05 waited 5 business
      minutes (DECISIONS.md D97).
    - Leads have no site of their own: they belong to var('lead_site_id', default site).
    - Converted = the lead has a won opportunity; a lead not yet called has no speed.
*/

{%- set target_minutes = var('speed_to_lead_target_minutes', 5) %}

with

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

windows as (

    select * from {{ ref('int_business_windows') }}
    where site_id = '{{ var("lead_site_id", var("default_site_id")) }}'

),

sites as (

    select site_id, time_zone from {{ ref('sites') }}
    where site_id = '{{ var("lead_site_id", var("default_site_id")) }}'

),

won as (

    select
        lead_id,
        count(*) as opportunities_won,
        sum(amount) as sales_amount
    from {{ ref('stg_crm__opportunities') }}
    where stage = 'won' and lead_id is not null
    group by lead_id

),

business as (

    -- seconds of [submitted_at, first_call_at) inside the opening windows
    select
        leads.lead_id,
        sum(
            {{ dbt.datediff(
                'case when windows.opens_at > leads.submitted_at then windows.opens_at else leads.submitted_at end',
                'case when windows.closes_at < leads.first_call_at then windows.closes_at else leads.first_call_at end',
                'second'
            ) }}
        ) as business_seconds
    from leads
    inner join windows
        on windows.opens_at < leads.first_call_at
        and windows.closes_at > leads.submitted_at
    group by leads.lead_id

),

final as (

    select
        -- ids
        leads.lead_id,
        leads.customer_key,
        leads.campaign,
        leads.lead_source,
        leads.lead_status,
        leads.first_call_agent_id as agent_id,
        '{{ var("lead_site_id", var("default_site_id")) }}' as site_id,

        -- timestamps
        leads.submitted_at,
        leads.created_in_crm_at,
        leads.first_call_at,
        cast({{ utc_to_local('leads.submitted_at', 'sites.time_zone') }} as date) as submitted_date,

        -- measures
        cast(leads.call_attempts as {{ dbt.type_int() }}) as call_attempts,
        {{ dbt.datediff('leads.submitted_at', 'leads.created_in_crm_at', 'second') }}
            as seconds_to_crm,
        {{ dbt.datediff('leads.submitted_at', 'leads.first_call_at', 'second') }}
            as seconds_to_first_call,
        case when leads.first_call_at is not null then coalesce(business.business_seconds, 0) end
            as business_seconds_to_first_call,
        cast({{ dbt.datediff('leads.submitted_at', 'leads.first_call_at', 'second') }} / 60.0
            as numeric(28, 6)) as speed_to_lead_minutes,
        cast(
            case when leads.first_call_at is not null then
                coalesce(business.business_seconds, 0) / 60.0
            end as numeric(28, 6)
        ) as speed_to_lead_business_minutes,
        cast(coalesce(won.sales_amount, 0) as numeric(28, 2)) as sales_amount,

        -- flags
        leads.first_call_at is not null as is_called,
        leads.first_call_at is not null
            and coalesce(business.business_seconds, 0) <= {{ target_minutes * 60 }}
            as is_called_within_target,
        coalesce(won.opportunities_won, 0) > 0 as is_converted

    from leads
    cross join sites
    left join business
        on leads.lead_id = business.lead_id
    left join won
        on leads.lead_id = won.lead_id

)

select * from final
