{#-
    One row per customer contact (a voice call with all its queue visits, or a contact of
    another channel), with the customer it resolved to, the CRM's verdict and what the
    same customer did before and after: the base of FCR and repeat contacts.

    Why it is built this way:
    - "No further contact within N days" (FCR) and "contacted within the previous N days"
      (repeat) look at every contact of the same CRM customer on any channel, answered or
      not (a customer who tries again and abandons did contact again). Contacts that do
      not resolve to a customer are kept but judged by neither KPI (DECISIONS.md D92).
    - Windows are measured from the contact's end to the next contact's start (FCR) and
      from the previous contact's end to this one's start (repeat), in seconds, N days =
      N x 86400 s.
    - Censoring: a contact whose FCR window reaches past the end of the data cannot be
      judged yet and is in neither part of FCR for that window; likewise a contact less
      than N days after the start of the data for repeat contacts (D94).
-#}
{%- set fcr_windows = var('fcr_windows_days', [1, 3, 7, 14, 30]) -%}
{%- set fcr_default = var('fcr_window_days', 7) -%}
{%- set repeat_days = var('repeat_contact_window_days', 7) -%}

with

contacts as (

    select * from {{ ref('int_contacts_resolved_to_customers') }}

),

sequenced as (

    select
        contacts.*,
        case when customer_key is not null then
            lead(started_at) over (
                partition by customer_key order by started_at, customer_contact_id
            )
        end as next_contact_started_at,
        case when customer_key is not null then
            lag(ended_at) over (
                partition by customer_key order by started_at, customer_contact_id
            )
        end as previous_contact_ended_at,
        min(started_at) over () as data_starts_at,
        max(started_at) over () as data_ends_at
    from contacts

),

measured as (

    select
        sequenced.*,
        {{ dbt.datediff('ended_at', 'next_contact_started_at', 'second') }} as seconds_to_next_contact,
        {{ dbt.datediff('previous_contact_ended_at', 'started_at', 'second') }} as seconds_since_previous_contact,
        {{ dbt.datediff('ended_at', 'data_ends_at', 'second') }} as seconds_observed_after,
        {{ dbt.datediff('data_starts_at', 'started_at', 'second') }} as seconds_observed_before,
        -- FCR judges resolved contacts of known customers only
        is_resolved and customer_key is not null as is_judged_resolved
    from sequenced

),

final as (

    select
        -- ids
        customer_contact_id,
        customer_key,
        resolved_by,
        case_id,
        channel,
        direction,
        queue_id,
        agent_id,
        site_id,

        -- timestamps
        started_at,
        ended_at,
        contact_date,
        next_contact_started_at,
        previous_contact_ended_at,

        -- measures
        queue_visits,
        seconds_to_next_contact,
        seconds_since_previous_contact,

        -- flags
        is_handled,
        is_abandoned,
        is_transferred,
        has_crm_outcome,
        is_resolved,
        customer_key is not null as is_identified,
        {%- for n in fcr_windows %}
        is_judged_resolved and seconds_observed_after >= {{ n * 86400 }} as is_fcr_{{ n }}d_judged,
        is_judged_resolved and seconds_observed_after >= {{ n * 86400 }}
            and coalesce(seconds_to_next_contact > {{ n * 86400 }}, true) as is_fcr_{{ n }}d,
        {%- endfor %}
        is_judged_resolved and seconds_observed_after >= {{ fcr_default * 86400 }} as is_fcr_judged,
        is_judged_resolved and seconds_observed_after >= {{ fcr_default * 86400 }}
            and coalesce(seconds_to_next_contact > {{ fcr_default * 86400 }}, true) as is_first_contact_resolution,
        customer_key is not null and seconds_observed_before >= {{ repeat_days * 86400 }}
            as is_repeat_judged,
        customer_key is not null and seconds_observed_before >= {{ repeat_days * 86400 }}
            and coalesce(seconds_since_previous_contact <= {{ repeat_days * 86400 }}, false)
            as is_repeat_contact

    from measured

)

select * from final
