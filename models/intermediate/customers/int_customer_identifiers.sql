/*
    One row per hashed identifier (phone, e-mail, CRM id) that names exactly one CRM
    account: the lookup that resolves contacts to customers.

    Why: contacts carry a hashed phone number (voice: the caller number) or e-mail
    (digital channels); accounts carry both. Two accounts can share a phone (a family
    line, a company switchboard) or an e-mail: such an identifier names the account
    modified most recently (the one the CRM's own screen-pop would show), and
    `accounts_sharing` says how many shared it (DECISIONS.md D93).
*/

with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

identifiers as (

    select 'phone' as identifier_type, phone_hash as identifier_hash, customer_key, modified_at
    from customers where phone_hash is not null
    union all
    select 'email' as identifier_type, email_hash as identifier_hash, customer_key, modified_at
    from customers where email_hash is not null
    union all
    select 'crm_id' as identifier_type, customer_key as identifier_hash, customer_key, modified_at
    from customers

),

ranked as (

    select
        identifier_type,
        identifier_hash,
        customer_key,
        count(*) over (partition by identifier_type, identifier_hash) as accounts_sharing,
        row_number() over (
            partition by identifier_type, identifier_hash
            order by modified_at desc, customer_key
        ) as identifier_rank
    from identifiers

),

final as (

    select
        identifier_type,
        identifier_hash,
        customer_key,
        cast(accounts_sharing as {{ dbt.type_int() }}) as accounts_sharing
    from ranked
    where identifier_rank = 1

)

select * from final
