/*
    One row per outbound campaign, site and local day of the attempt (the dialler's view:
    every attempt, connected or not).

    KPIS.md: contact rate = connected / dials; RPC rate = right-party contacts / connected;
    conversion = sales / RPC; sales per 100 dials; outbound AHT = (talk + wrap-up) /
    connected calls. Every ratio with its additive numerator and denominator
    (DECISIONS.md D104).
*/

with

attempts as (

    select * from {{ ref('fct_dial_attempts') }}

),

aggregated as (

    select
        campaign_id,
        site_id,
        attempt_date as kpi_date,
        count(*) as dials,
        {{ count_where('is_connected') }} as connects,
        {{ count_where('is_right_party_contact') }} as right_party_contacts,
        {{ count_where('is_sale') }} as sales,
        coalesce({{ sum_where('sale_amount', 'is_sale') }}, 0) as sales_amount,
        coalesce({{ sum_where('handle_seconds', 'is_connected') }}, 0) as outbound_handle_seconds
    from attempts
    group by campaign_id, site_id, attempt_date

),

final as (

    select
        -- keys
        campaign_id,
        site_id,
        kpi_date,

        -- counts and amounts
        cast(dials as {{ dbt.type_bigint() }}) as dials,
        cast(connects as {{ dbt.type_bigint() }}) as connects,
        cast(right_party_contacts as {{ dbt.type_bigint() }}) as right_party_contacts,
        cast(sales as {{ dbt.type_bigint() }}) as sales,
        cast(sales_amount as numeric(28, 2)) as sales_amount,
        cast(outbound_handle_seconds as {{ dbt.type_bigint() }}) as outbound_handle_seconds,

        -- ratios and averages, each with its numerator and denominator
        {{ ratio('connects', 'dials') }} as contact_rate,
        cast(connects as {{ dbt.type_bigint() }}) as contact_rate_numerator,
        cast(dials as {{ dbt.type_bigint() }}) as contact_rate_denominator,
        {{ ratio('right_party_contacts', 'connects') }} as rpc_rate,
        cast(right_party_contacts as {{ dbt.type_bigint() }}) as rpc_rate_numerator,
        cast(connects as {{ dbt.type_bigint() }}) as rpc_rate_denominator,
        {{ ratio('sales', 'right_party_contacts') }} as conversion_rate,
        cast(sales as {{ dbt.type_bigint() }}) as conversion_rate_numerator,
        cast(right_party_contacts as {{ dbt.type_bigint() }}) as conversion_rate_denominator,
        {{ average('100 * sales', 'dials') }} as sales_per_100_dials,
        cast(100 * sales as {{ dbt.type_bigint() }}) as sales_per_100_dials_numerator,
        cast(dials as {{ dbt.type_bigint() }}) as sales_per_100_dials_denominator,
        {{ average('outbound_handle_seconds', 'connects') }} as outbound_aht_seconds,
        cast(outbound_handle_seconds as {{ dbt.type_bigint() }}) as outbound_aht_seconds_numerator,
        cast(connects as {{ dbt.type_bigint() }}) as outbound_aht_seconds_denominator

    from aggregated

)

select * from final
