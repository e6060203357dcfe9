/*
    One row per CRM account (its latest version), identified only by keyed hashes: the
    customer key (hash of the CRM id), the phone and e-mail hashes the contacts resolve
    by. No raw identifier reaches the marts. First and last contact come from the resolved
    contacts.
*/

with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

contacts as (

    select
        customer_key,
        min(started_at) as first_contact_at,
        max(started_at) as last_contact_at,
        count(*) as contacts
    from {{ ref('int_contacts_resolved_to_customers') }}
    where customer_key is not null
    group by customer_key

),

final as (

    select
        -- ids
        customers.customer_key,
        customers.phone_hash,
        customers.email_hash,

        -- attributes
        customers.segment,

        -- timestamps
        customers.created_at,
        customers.modified_at,
        contacts.first_contact_at,
        contacts.last_contact_at,

        -- measures
        cast(coalesce(contacts.contacts, 0) as {{ dbt.type_bigint() }}) as contacts

    from customers
    left join contacts
        on customers.customer_key = contacts.customer_key

)

select * from final
