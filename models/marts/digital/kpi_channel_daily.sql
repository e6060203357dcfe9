/*
    One row per digital channel (chat, email, sms, social; help desk and Amazon Connect
    chats), queue, site and local day. Voice stays in kpi_queue_*.

    Why it is built this way (DECISIONS.md D100-D102):
    - Flows (offered, answered, abandoned, resolved, second totals) count on the local day
      the contact was created (fct_contacts.contact_date), like voice.
    - First response = answered_at - queue entry (fct_contacts.wait_seconds of answered
      contacts); service level = answered within the channel's T / (answered + abandoned),
      the KPIS.md default with no short abandons on digital channels.
    - Resolution time = created -> solved (ended_at) of contacts an agent resolved.
    - Backlog is a stock: contacts created by the end of the local day, not resolved or
      abandoned by then (still waiting or open), counted on every day from creation until
      they close; not additive over days (take the last day of a period).
    - Chat concurrency = mean chats an agent held when a chat was assigned (help desk).
*/

with

contacts as (

    select * from {{ ref('fct_contacts') }}
    where channel <> 'voice'
        and direction = 'inbound'

),

tickets as (

    select * from {{ ref('stg_digital__contacts') }}

),

sites as (

    select * from {{ ref('sites') }}

),

days as (

    select date_day from {{ ref('dim_date') }}

),

enriched as (

    select
        contacts.*,
        -- the help desk's tickets carry concurrency; the join is on the id alone (ticket ids
        -- are unique) so that it stays a hash join: with the source in the ON clause of this
        -- left join, DuckDB plans a nested loop (12+ minutes at a year, D202)
        case when contacts.source_system = 'helpdesk' then tickets.concurrency end
            as concurrency,
        cast({{ utc_to_local('contacts.ended_at', 'sites.time_zone') }} as date) as ended_date,
        case
            when contacts.is_answered and contacts.end_reason is not null
                and contacts.ended_at is not null
                then true
            else false
        end as is_resolved
    from contacts
    left join tickets
        on contacts.call_id = tickets.ticket_id
    left join sites
        on contacts.site_id = sites.site_id

),

flows as (

    select
        channel,
        queue_id,
        site_id,
        contact_date as kpi_date,
        {{ count_where('is_offered') }} as contacts_offered,
        {{ count_where('is_answered') }} as contacts_answered,
        {{ count_where('is_abandoned') }} as contacts_abandoned,
        {{ count_where("outcome = 'in_progress'") }} as contacts_waiting,
        {{ count_where('is_answered_within_threshold') }} as contacts_answered_within_threshold,
        {{ count_where('is_resolved') }} as contacts_resolved,
        {{ count_where('is_resolved and handle_seconds is not null') }} as contacts_handled,
        coalesce({{ sum_where('wait_seconds', 'is_answered') }}, 0) as first_response_seconds,
        coalesce(
            {{ sum_where(dbt.datediff('arrived_at', 'ended_at', 'second'), 'is_resolved') }}, 0
        ) as resolution_seconds,
        coalesce({{ sum_where('handle_seconds', 'is_resolved and handle_seconds is not null') }}, 0)
            as handle_seconds,
        {{ count_where("channel = 'chat' and is_answered and concurrency is not null") }}
            as chats_with_concurrency,
        coalesce(
            {{ sum_where('concurrency', "channel = 'chat' and is_answered and concurrency is not null") }},
            0
        ) as chat_concurrency_total
    from enriched
    group by channel, queue_id, site_id, contact_date

),

-- a contact is in the backlog at the end of each day from its creation until it closes
open_contacts as (

    select
        channel,
        queue_id,
        site_id,
        contact_date,
        case when is_resolved or is_abandoned then ended_date end as closed_date
    from enriched
    where is_offered

),

-- the backlog is counted up to the last day the data reaches (a creation or a closure)
bounds as (

    select
        case
            when max(ended_date) > max(contact_date) then max(ended_date)
            else max(contact_date)
        end as last_date
    from enriched

),

-- the backlog as a running sum per channel, queue and site: +1 on the day a contact is
-- created, -1 on the day it closes (one row per group and day, not per contact and day)
backlog_deltas as (

    select channel, queue_id, site_id, contact_date as delta_date, 1 as delta
    from open_contacts
    union all
    select
        channel,
        queue_id,
        site_id,
        case when closed_date > contact_date then closed_date else contact_date end as delta_date,
        -1 as delta
    from open_contacts
    where closed_date is not null

),

backlog_daily_deltas as (

    select channel, queue_id, site_id, delta_date, sum(delta) as delta
    from backlog_deltas
    group by channel, queue_id, site_id, delta_date

),

backlog_spine as (

    select
        groups.channel,
        groups.queue_id,
        groups.site_id,
        days.date_day
    from (
        select channel, queue_id, site_id, min(delta_date) as first_date
        from backlog_daily_deltas
        group by channel, queue_id, site_id
    ) as groups
    cross join bounds
    inner join days
        on days.date_day >= groups.first_date
        and days.date_day <= bounds.last_date

),

backlog_running as (

    select
        backlog_spine.channel,
        backlog_spine.queue_id,
        backlog_spine.site_id,
        backlog_spine.date_day as kpi_date,
        sum(coalesce(backlog_daily_deltas.delta, 0)) over (
            partition by backlog_spine.channel, backlog_spine.queue_id, backlog_spine.site_id
            order by backlog_spine.date_day
            rows between unbounded preceding and current row
        ) as backlog_contacts
    from backlog_spine
    left join backlog_daily_deltas
        on backlog_spine.channel = backlog_daily_deltas.channel
        and backlog_spine.queue_id = backlog_daily_deltas.queue_id
        and backlog_spine.site_id = backlog_daily_deltas.site_id
        and backlog_spine.date_day = backlog_daily_deltas.delta_date

),

backlog as (

    select channel, queue_id, site_id, kpi_date, backlog_contacts
    from backlog_running
    where backlog_contacts > 0

),

keys as (

    select channel, queue_id, site_id, kpi_date from flows
    union
    select channel, queue_id, site_id, kpi_date from backlog

),

joined as (

    select
        keys.channel,
        keys.queue_id,
        keys.site_id,
        keys.kpi_date,
        coalesce(flows.contacts_offered, 0) as contacts_offered,
        coalesce(flows.contacts_answered, 0) as contacts_answered,
        coalesce(flows.contacts_abandoned, 0) as contacts_abandoned,
        coalesce(flows.contacts_waiting, 0) as contacts_waiting,
        coalesce(flows.contacts_answered_within_threshold, 0)
            as contacts_answered_within_threshold,
        coalesce(flows.contacts_resolved, 0) as contacts_resolved,
        coalesce(flows.contacts_handled, 0) as contacts_handled,
        coalesce(flows.first_response_seconds, 0) as first_response_seconds,
        coalesce(flows.resolution_seconds, 0) as resolution_seconds,
        coalesce(flows.handle_seconds, 0) as handle_seconds,
        coalesce(flows.chats_with_concurrency, 0) as chats_with_concurrency,
        coalesce(flows.chat_concurrency_total, 0) as chat_concurrency_total,
        coalesce(backlog.backlog_contacts, 0) as backlog_contacts
    from keys
    left join flows
        on keys.channel = flows.channel
        and keys.queue_id = flows.queue_id
        and keys.site_id = flows.site_id
        and keys.kpi_date = flows.kpi_date
    left join backlog
        on keys.channel = backlog.channel
        and keys.queue_id = backlog.queue_id
        and keys.site_id = backlog.site_id
        and keys.kpi_date = backlog.kpi_date

),

final as (

    select
        -- keys
        channel,
        queue_id,
        site_id,
        kpi_date,

        -- counts
        cast(contacts_offered as {{ dbt.type_bigint() }}) as contacts_offered,
        cast(contacts_answered as {{ dbt.type_bigint() }}) as contacts_answered,
        cast(contacts_abandoned as {{ dbt.type_bigint() }}) as contacts_abandoned,
        cast(contacts_waiting as {{ dbt.type_bigint() }}) as contacts_waiting,
        cast(contacts_answered_within_threshold as {{ dbt.type_bigint() }})
            as contacts_answered_within_threshold,
        cast(contacts_resolved as {{ dbt.type_bigint() }}) as contacts_resolved,
        cast(contacts_handled as {{ dbt.type_bigint() }}) as contacts_handled,
        cast(backlog_contacts as {{ dbt.type_bigint() }}) as backlog_contacts,

        -- second totals
        cast(first_response_seconds as {{ dbt.type_bigint() }}) as first_response_seconds,
        cast(resolution_seconds as {{ dbt.type_bigint() }}) as resolution_seconds,
        cast(handle_seconds as {{ dbt.type_bigint() }}) as handle_seconds,

        -- ratios and averages, each with its numerator and denominator
        {{ ratio_columns([
            ('digital_service_level', 'ratio', 'contacts_answered_within_threshold',
             'contacts_answered + contacts_abandoned'),
            ('digital_abandonment_rate', 'ratio', 'contacts_abandoned', 'contacts_offered'),
            ('avg_first_response_seconds', 'average', 'first_response_seconds', 'contacts_answered'),
            ('avg_resolution_seconds', 'average', 'resolution_seconds', 'contacts_resolved'),
            ('digital_aht_seconds', 'average', 'handle_seconds', 'contacts_handled'),
            ('chat_concurrency', 'average', 'chat_concurrency_total', 'chats_with_concurrency'),
        ]) }}

    from joined

)

select * from final
