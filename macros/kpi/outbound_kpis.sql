{#-
    The outbound funnel (KPIS.md): contact rate = connected / dials; RPC rate = right-party
    contacts / connected; conversion = sales / RPC; sales per 100 dials; outbound AHT =
    (talk + wrap-up) / connected calls. One definition for the campaign mart (every attempt,
    with dials) and the agent mart (connected calls only: an attempt that did not connect has
    no agent, so it has no dials and no contact rate). Every ratio with its additive
    numerator and denominator (DECISIONS.md D104).
-#}

{#- The funnel's sums over fct_dial_attempts rows, inside a group by. -#}
{% macro outbound_funnel_sums(with_dials) -%}
    {%- if with_dials %}
        count(*) as dials,
    {%- endif %}
        {{ count_where('is_connected') }} as connects,
        {{ count_where('is_right_party_contact') }} as right_party_contacts,
        {{ count_where('is_sale') }} as sales,
        coalesce({{ sum_where('sale_amount', 'is_sale') }}, 0) as sales_amount,
        coalesce({{ sum_where('handle_seconds', 'is_connected') }}, 0) as outbound_handle_seconds
{%- endmacro %}

{#- The mart's counts, amounts and ratios from those sums. -#}
{% macro outbound_funnel_columns(with_dials) -%}
    {%- set ratios = [] -%}
    {%- if with_dials -%}
        {%- do ratios.append(('contact_rate', 'ratio', 'connects', 'dials')) -%}
    {%- endif -%}
    {%- do ratios.extend([
        ('rpc_rate', 'ratio', 'right_party_contacts', 'connects'),
        ('conversion_rate', 'ratio', 'sales', 'right_party_contacts'),
    ]) -%}
    {%- if with_dials -%}
        {%- do ratios.append(('sales_per_100_dials', 'average', '100 * sales', 'dials')) -%}
    {%- endif -%}
    {%- do ratios.append(('outbound_aht_seconds', 'average', 'outbound_handle_seconds', 'connects')) %}
        -- counts and amounts
    {%- if with_dials %}
        cast(dials as {{ dbt.type_bigint() }}) as dials,
    {%- endif %}
        cast(connects as {{ dbt.type_bigint() }}) as connects,
        cast(right_party_contacts as {{ dbt.type_bigint() }}) as right_party_contacts,
        cast(sales as {{ dbt.type_bigint() }}) as sales,
        cast(sales_amount as numeric(28, 2)) as sales_amount,
        cast(outbound_handle_seconds as {{ dbt.type_bigint() }}) as outbound_handle_seconds,

        -- ratios and averages, each with its numerator and denominator
        {{ ratio_columns(ratios) }}
{%- endmacro %}
