/*
    One row per customer contact: a voice call (all its queue visits, transfers included)
    or a contact of another channel, resolved to a CRM customer where its identifiers allow.

    Why it is built this way:
    - FCR, repeat contacts and surveys are about what the customer experienced, so a call
      that visited two queues (a transfer) is ONE customer contact. It is attributed to its
      last answered queue visit (queue, agent), else its last visit; its day is the local
      day of its first visit (DECISIONS.md D92).
    - Identity: the contact's hashed phone (voice: fct_contacts.customer_id, the keyed hash
      of the caller number; other channels: customer_phone_hash) or hashed e-mail
      (customer_email_hash) is looked up in int_customer_identifiers, phone first. The
      optional columns are read only when fct_contacts has them (digital channels add
      them), so this model builds before and after they exist. A contact with neither, or
      whose identifiers name no account, stays unresolved (customer_key NULL).
    - The CRM's verdict on the call comes from the calls logged on cases
      (stg_crm__case_calls, by call id): resolved, or not.
*/

{%- set contact_columns = [] -%}
{%- if execute -%}
    {%- set relation = load_relation(ref('fct_contacts')) -%}
    {%- if relation is not none -%}
        {%- set contact_columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- endif -%}
{%- endif %}

with

visits as (

    select
        contact_id,
        coalesce(call_id, contact_id) as customer_contact_id,
        channel,
        direction,
        queue_id,
        agent_id,
        site_id,
        contact_date,
        coalesce(arrived_at, queue_entered_at, answered_at) as started_at,
        coalesce(ended_at, answered_at, queue_entered_at, arrived_at) as ended_at,
        answered_at,
        is_answered,
        is_abandoned,
        is_transferred,
        {% if 'customer_phone_hash' in contact_columns -%}
        coalesce(customer_phone_hash, case when channel = 'voice' then customer_id end)
        {%- else -%}
        case when channel = 'voice' then customer_id end
        {%- endif %} as phone_hash,
        {% if 'customer_email_hash' in contact_columns -%}
        customer_email_hash
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as email_hash
    from {{ ref('fct_contacts') }}

),

ranked as (

    select
        visits.*,
        row_number() over (
            partition by customer_contact_id
            order by
                case when is_answered then 0 else 1 end,
                coalesce(answered_at, started_at) desc,
                contact_id desc
        ) as attribution_rank
    from visits

),

aggregated as (

    select
        customer_contact_id,
        min(started_at) as started_at,
        max(ended_at) as ended_at,
        min(contact_date) as contact_date,
        count(*) as queue_visits,
        max(case when is_answered then 1 else 0 end) as answered_flag,
        max(case when is_abandoned then 1 else 0 end) as abandoned_flag,
        max(case when is_transferred then 1 else 0 end) as transferred_flag,
        max(phone_hash) as phone_hash,
        max(email_hash) as email_hash
    from visits
    group by customer_contact_id

),

attributed as (

    select
        aggregated.*,
        ranked.channel,
        ranked.direction,
        ranked.queue_id,
        ranked.agent_id,
        ranked.site_id
    from aggregated
    inner join ranked
        on aggregated.customer_contact_id = ranked.customer_contact_id
        and ranked.attribution_rank = 1

),

phones as (

    select identifier_hash, customer_key
    from {{ ref('int_customer_identifiers') }}
    where identifier_type = 'phone'

),

emails as (

    select identifier_hash, customer_key
    from {{ ref('int_customer_identifiers') }}
    where identifier_type = 'email'

),

case_calls as (

    select
        call_id,
        min(case_id) as case_id,
        max(case when outcome = 'resolved' then 1 else 0 end) as resolved_flag
    from {{ ref('stg_crm__case_calls') }}
    group by call_id

),

final as (

    select
        -- ids
        attributed.customer_contact_id,
        coalesce(phones.customer_key, emails.customer_key) as customer_key,
        case
            when phones.customer_key is not null then 'phone'
            when emails.customer_key is not null then 'email'
        end as resolved_by,
        case_calls.case_id,
        attributed.channel,
        attributed.direction,
        attributed.queue_id,
        attributed.agent_id,
        attributed.site_id,

        -- timestamps
        attributed.started_at,
        attributed.ended_at,
        attributed.contact_date,

        -- measures
        cast(attributed.queue_visits as {{ dbt.type_int() }}) as queue_visits,

        -- flags
        attributed.answered_flag = 1 as is_handled,
        attributed.answered_flag = 0 and attributed.abandoned_flag = 1 as is_abandoned,
        attributed.transferred_flag = 1 or attributed.queue_visits > 1 as is_transferred,
        case_calls.call_id is not null as has_crm_outcome,
        coalesce(case_calls.resolved_flag = 1, false) as is_resolved

    from attributed
    left join phones
        on attributed.phone_hash = phones.identifier_hash
    left join emails
        on attributed.email_hash = emails.identifier_hash
    left join case_calls
        on attributed.customer_contact_id = case_calls.call_id

)

select * from final
