/*
    One row per agent, campaign, site and local day: the connected calls the agent took
    (an attempt that did not connect has no agent, so dials and the contact rate are per
    campaign, in kpi_outbound_campaign_daily).

    KPIS.md: contact rate = connected / dials; RPC rate = right-party contacts / connected;
    conversion = sales / RPC; sales per 100 dials; outbound AHT = (talk + wrap-up) /
    connected calls. Every ratio with its additive numerator and denominator
    (DECISIONS.md D104).
*/

with

attempts as (

    select * from {{ ref('fct_dial_attempts') }}
    where is_connected and agent_id is not null

),

aggregated as (

    select
        agent_id,
        team,
        campaign_id,
        site_id,
        attempt_date as kpi_date,
        {{ count_where('is_connected') }} as connects,
        {{ count_where('is_right_party_contact') }} as right_party_contacts,
        {{ count_where('is_sale') }} as sales,
        coalesce({{ sum_where('sale_amount', 'is_sale') }}, 0) as sales_amount,
        coalesce({{ sum_where('handle_seconds', 'is_connected') }}, 0) as outbound_handle_seconds
    from attempts
    group by agent_id, team, campaign_id, site_id, attempt_date

),

final as (

    select
        -- keys
        agent_id,
        team,
        campaign_id,
        site_id,
        kpi_date,

        -- counts and amounts
        cast(connects as {{ dbt.type_bigint() }}) as connects,
        cast(right_party_contacts as {{ dbt.type_bigint() }}) as right_party_contacts,
        cast(sales as {{ dbt.type_bigint() }}) as sales,
        cast(sales_amount as numeric(28, 2)) as sales_amount,
        cast(outbound_handle_seconds as {{ dbt.type_bigint() }}) as outbound_handle_seconds,

        -- ratios and averages, each with its numerator and denominator
        {{ ratio('right_party_contacts', 'connects') }} as rpc_rate,
        cast(right_party_contacts as {{ dbt.type_bigint() }}) as rpc_rate_numerator,
        cast(connects as {{ dbt.type_bigint() }}) as rpc_rate_denominator,
        {{ ratio('sales', 'right_party_contacts') }} as conversion_rate,
        cast(sales as {{ dbt.type_bigint() }}) as conversion_rate_numerator,
        cast(right_party_contacts as {{ dbt.type_bigint() }}) as conversion_rate_denominator,
        {{ average('outbound_handle_seconds', 'connects') }} as outbound_aht_seconds,
        cast(outbound_handle_seconds as {{ dbt.type_bigint() }}) as outbound_aht_seconds_numerator,
        cast(connects as {{ dbt.type_bigint() }}) as outbound_aht_seconds_denominator

    from aggregated

)

select * from final
