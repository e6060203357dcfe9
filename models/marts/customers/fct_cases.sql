/*
    One row per CRM case (its latest version) with the calls logged on it and the contact
    that opened it.

    Why it is built this way:
    - A case is resolved when its latest status is resolved or closed; it was reopened
      when the CRM counts a reopening (reopen_count > 0). Resolved on first contact (the
      case-based FCR variant) = resolved, never reopened, and at most one call logged on it
      (DECISIONS.md D95).
    - The case's queue, agent, channel and site are those of the contact that opened it
      (origin call); its local day is the opening time in that site's time zone, else the
      default site's.
*/

with

cases as (

    select * from {{ ref('stg_crm__cases') }}

),

case_calls as (

    select
        case_id,
        count(*) as calls_logged,
        sum(case when outcome = 'resolved' then 1 else 0 end) as calls_resolving
    from {{ ref('stg_crm__case_calls') }}
    group by case_id

),

contacts as (

    select customer_contact_id, queue_id, agent_id, site_id
    from {{ ref('int_contacts_resolved_to_customers') }}

),

sites as (

    select site_id, time_zone from {{ ref('sites') }}

),

joined as (

    select
        cases.*,
        coalesce(case_calls.calls_logged, 0) as calls_logged,
        coalesce(case_calls.calls_resolving, 0) as calls_resolving,
        contacts.queue_id,
        coalesce(contacts.agent_id, cases.owner_agent_id) as agent_id,
        coalesce(contacts.site_id, '{{ var("default_site_id") }}') as site_id
    from cases
    left join case_calls
        on cases.case_id = case_calls.case_id
    left join contacts
        on cases.origin_call_id = contacts.customer_contact_id

),

final as (

    select
        -- ids
        joined.case_id,
        joined.customer_key,
        joined.origin_call_id,
        joined.queue_id,
        joined.agent_id,
        joined.site_id,
        joined.channel,
        joined.category,
        joined.priority,
        joined.status,

        -- timestamps
        joined.opened_at,
        joined.resolved_at,
        joined.reopened_at,
        cast({{ utc_to_local('joined.opened_at', 'sites.time_zone') }} as date) as opened_date,

        -- measures
        cast(joined.reopen_count as {{ dbt.type_int() }}) as reopen_count,
        cast(joined.calls_logged as {{ dbt.type_int() }}) as calls_logged,
        case
            when joined.status in ('resolved', 'closed') and joined.resolved_at is not null
                then {{ dbt.datediff('joined.opened_at', 'joined.resolved_at', 'second') }}
        end as seconds_to_resolution,

        -- flags
        joined.status in ('resolved', 'closed') as is_resolved,
        joined.reopen_count > 0 as is_reopened,
        joined.status in ('resolved', 'closed') or joined.reopen_count > 0 as was_ever_resolved,
        joined.status in ('resolved', 'closed')
            and joined.reopen_count = 0
            and joined.calls_logged <= 1 as is_resolved_on_first_contact

    from joined
    left join sites
        on joined.site_id = sites.site_id

)

select * from final
