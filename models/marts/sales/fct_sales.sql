/*
    One row per CRM opportunity: won ones are the closed sales attributed to the center.

    Why: an opportunity is closed when won or lost; its sale counts on the local day it
    closed, for its owner agent and campaign. An opportunity opened on an inbound call
    carries that call's customer contact (queue); one from a web-form lead carries the
    lead (DECISIONS.md D98).
*/

with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

contacts as (

    select customer_contact_id, queue_id, site_id
    from {{ ref('int_contacts_resolved_to_customers') }}

),

sites as (

    select site_id, time_zone from {{ ref('sites') }}

),

joined as (

    select
        opportunities.*,
        contacts.queue_id,
        coalesce(contacts.site_id, '{{ var("default_site_id") }}') as site_id
    from opportunities
    left join contacts
        on opportunities.call_id = contacts.customer_contact_id

),

final as (

    select
        -- ids
        joined.opportunity_id,
        joined.lead_id,
        joined.customer_key,
        joined.call_id,
        joined.queue_id,
        joined.agent_id,
        joined.site_id,
        joined.campaign,
        joined.product,
        joined.stage,
        joined.currency,

        -- timestamps
        joined.created_at,
        joined.closed_at,
        cast({{ utc_to_local('joined.created_at', 'sites.time_zone') }} as date) as created_date,
        cast({{ utc_to_local('joined.closed_at', 'sites.time_zone') }} as date) as closed_date,

        -- measures
        cast(case when joined.stage = 'won' then coalesce(joined.amount, 0) else 0 end
            as numeric(28, 2)) as sales_amount,

        -- flags
        joined.stage in ('won', 'lost') and joined.closed_at is not null as is_closed,
        joined.stage = 'won' as is_won,
        joined.lead_id is not null as is_from_lead

    from joined
    left join sites
        on joined.site_id = sites.site_id

)

select * from final
