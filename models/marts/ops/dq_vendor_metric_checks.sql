{#-
    The warehouse's KPI definitions checked against a vendor's: every KPI the Amazon Connect
    historical metrics reports compute (service level, AHT, occupancy) recomputed here, with
    the SAME macros the warehouse's marts use (voice_queue_kpi_ratios, ratio, average), from
    the vendor's own components in the same report row, next to the vendor's value.

    Mapping of the vendor's components to the warehouse's additive columns:
    - offered = contacts handled incoming + contacts abandoned (the contacts that left the
      queue in the interval: answered or abandoned), answered within T = "Contacts answered
      in T seconds", abandoned within T = "Contacts abandoned in T seconds"; Amazon Connect's
      service level is the warehouse's variant (b), abandons within T positive (KPIS.md);
    - handle seconds = "Contact handle time" (interaction + hold + after-contact work) over
      contacts handled: the warehouse's AHT; the vendor truncates to whole seconds;
    - occupancy = "Agent on contact time" / (on contact + "Agent idle time"), kpi_agent_daily's
      handling / (handling + available).
    `tolerance` is what the vendor's rounding allows (a percentage shown with two decimals:
    0.00005; truncated seconds: 1); occupancy's is wider (0.02) because the vendor computes it
    from millisecond times while the report shows whole seconds, which moves small intervals
    by up to about a point (DECISIONS.md D51).
-#}

{%- set sl_b = voice_queue_kpi_ratios()['service_level_abandons_positive'] -%}

with

queue_intervals as (

    select * from {{ ref('stg_amazon_connect__queue_intervals') }}

),

agent_intervals as (

    select * from {{ ref('stg_amazon_connect__agent_intervals') }}

),

sl_counts as (

    select
        queue_name as subject,
        interval_start_at,
        20 as threshold_seconds,
        contacts_answered_in_20_seconds as calls_answered_within_threshold,
        contacts_abandoned_in_20_seconds as calls_abandoned_within_threshold,
        contacts_handled_incoming + contacts_abandoned as calls_offered,
        service_level_20_seconds as vendor_value
    from queue_intervals
    union all
    select
        queue_name as subject,
        interval_start_at,
        60 as threshold_seconds,
        contacts_answered_in_60_seconds as calls_answered_within_threshold,
        contacts_abandoned_in_60_seconds as calls_abandoned_within_threshold,
        contacts_handled_incoming + contacts_abandoned as calls_offered,
        service_level_60_seconds as vendor_value
    from queue_intervals

),

service_level as (

    select
        'queue' as report,
        subject,
        interval_start_at,
        'service_level_abandons_positive' as kpi_key,
        threshold_seconds,
        vendor_value,
        cast({{ sl_b[0] }} as {{ dbt.type_numeric() }}) as numerator,
        cast({{ sl_b[1] }} as {{ dbt.type_numeric() }}) as denominator,
        {{ ratio(sl_b[0], sl_b[1]) }} as warehouse_value,
        0.00005 as tolerance
    from sl_counts
    where vendor_value is not null

),

handle_time as (

    select
        'queue' as report,
        queue_name as subject,
        interval_start_at,
        'aht_seconds' as kpi_key,
        cast(null as {{ dbt.type_int() }}) as threshold_seconds,
        avg_handle_seconds as vendor_value,
        cast(contact_handle_seconds as {{ dbt.type_numeric() }}) as numerator,
        cast(contacts_handled as {{ dbt.type_numeric() }}) as denominator,
        {{ average('contact_handle_seconds', 'contacts_handled') }} as warehouse_value,
        1 as tolerance
    from queue_intervals
    where avg_handle_seconds is not null
    union all
    select
        'agent' as report,
        agent_login as subject,
        interval_start_at,
        'aht_seconds' as kpi_key,
        cast(null as {{ dbt.type_int() }}) as threshold_seconds,
        avg_handle_seconds as vendor_value,
        cast(contact_handle_seconds as {{ dbt.type_numeric() }}) as numerator,
        cast(contacts_handled as {{ dbt.type_numeric() }}) as denominator,
        {{ average('contact_handle_seconds', 'contacts_handled') }} as warehouse_value,
        1 as tolerance
    from agent_intervals
    where avg_handle_seconds is not null

),

occupancy as (

    select
        'queue' as report,
        queue_name as subject,
        interval_start_at,
        agent_on_contact_seconds,
        agent_idle_seconds,
        occupancy as vendor_value
    from queue_intervals
    union all
    select
        'agent' as report,
        agent_login as subject,
        interval_start_at,
        agent_on_contact_seconds,
        agent_idle_seconds,
        occupancy as vendor_value
    from agent_intervals

),

occupancy_checks as (

    select
        report,
        subject,
        interval_start_at,
        'occupancy' as kpi_key,
        cast(null as {{ dbt.type_int() }}) as threshold_seconds,
        vendor_value,
        cast(agent_on_contact_seconds as {{ dbt.type_numeric() }}) as numerator,
        cast(agent_on_contact_seconds + agent_idle_seconds as {{ dbt.type_numeric() }})
            as denominator,
        {{ ratio('agent_on_contact_seconds', 'agent_on_contact_seconds + agent_idle_seconds') }}
            as warehouse_value,
        0.02 as tolerance
    from occupancy
    where vendor_value is not null
        and agent_on_contact_seconds > 0

),

checks as (

    select * from service_level
    union all
    select * from handle_time
    union all
    select * from occupancy_checks

),

final as (

    select
        'amazon_connect' as source_system,
        report,
        subject,
        interval_start_at,
        kpi_key,
        threshold_seconds,
        cast(vendor_value as numeric(28, 6)) as vendor_value,
        warehouse_value,
        numerator,
        denominator,
        cast(warehouse_value - vendor_value as numeric(28, 6)) as difference,
        cast(tolerance as numeric(28, 6)) as tolerance,
        case
            when warehouse_value is null then false
            when kpi_key = 'aht_seconds'
                then warehouse_value - vendor_value >= 0 and warehouse_value - vendor_value < 1
            else abs(warehouse_value - vendor_value) <= tolerance
        end as is_consistent
    from checks

)

select * from final
