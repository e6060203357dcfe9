/*
    One row per survey invitation, with its response (if any), the contact it is about and
    the closed-loop follow-up of a detractor.

    Why it is built this way:
    - A survey belongs to the customer contact whose call id the invitation names (the
      call, all queue visits; attributed to its last answered visit's queue and agent);
      it is counted on that contact's local day, not on the day of the response, so a
      day's response rate compares like with like (DECISIONS.md D96).
    - Scales: CSAT 1-5 (top-2-box: 4-5 satisfied), NPS 0-10 (9-10 promoter, 7-8 passive,
      0-6 detractor), CES 1-7 with 7 = very easy (higher is better). A question left
      blank is not a response to that question.
    - Closed loop: a detractor is followed up when a follow-up names the response and has
      a first contact time; hours to follow-up from the response to that first contact.
*/

with

invitations as (

    select * from {{ ref('stg_surveys__invitations') }}

),

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

follow_ups as (

    select
        response_id,
        min(contacted_at) as followed_up_at,
        count(*) as follow_ups
    from {{ ref('stg_surveys__follow_ups') }}
    group by response_id

),

contacts as (

    select * from {{ ref('int_contacts_resolved_to_customers') }}

),

joined as (

    select
        invitations.invitation_id,
        invitations.call_id,
        coalesce(invitations.customer_key, contacts.customer_key) as customer_key,
        invitations.survey,
        invitations.survey_channel,
        contacts.channel,
        contacts.queue_id,
        contacts.agent_id,
        contacts.site_id,
        -- an invitation whose contact is unknown counts on its (UTC) sending day
        coalesce(contacts.contact_date, cast(invitations.sent_at as date)) as contact_date,
        invitations.sent_at,
        responses.response_id,
        responses.responded_at,
        responses.csat_score,
        responses.nps_score,
        responses.ces_score,
        follow_ups.followed_up_at
    from invitations
    left join responses
        on invitations.invitation_id = responses.invitation_id
    left join follow_ups
        on responses.response_id = follow_ups.response_id
    left join contacts
        on invitations.call_id = contacts.customer_contact_id

),

final as (

    select
        -- ids
        invitation_id,
        response_id,
        call_id,
        customer_key,
        survey,
        survey_channel,
        coalesce(channel, 'unknown') as channel,
        coalesce(queue_id, 'unknown') as queue_id,
        agent_id,
        site_id,

        -- timestamps
        sent_at,
        responded_at,
        followed_up_at,
        contact_date,

        -- scores
        csat_score,
        nps_score,
        ces_score,
        case
            when nps_score >= 9 then 'promoter'
            when nps_score >= 7 then 'passive'
            when nps_score is not null then 'detractor'
        end as nps_category,

        -- measures
        case
            when followed_up_at is not null and nps_score <= 6
                then {{ dbt.datediff('responded_at', 'followed_up_at', 'second') }}
        end as seconds_to_follow_up,

        -- flags
        response_id is not null as has_response,
        coalesce(csat_score >= 4, false) as is_csat_satisfied,
        coalesce(nps_score <= 6, false) as is_detractor,
        coalesce(nps_score <= 6 and followed_up_at is not null, false) as is_detractor_followed_up

    from joined

)

select * from final
