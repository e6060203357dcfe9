{#-
    The customer-outcome, case and sales KPIs, each defined once here and used by every
    grain (day x queue, day x agent, week, month...). A KPI table is built in two steps:
    1. `kpi_measure_rows(family, source)`: one row per fact row with every additive
       measure of the family (0 where that fact has no part in it), so facts of different
       kinds (contacts and surveys) union into one stream;
    2. `kpi_final_columns(family)`: from the SUMS of those measures at the grain asked
       for, the counts and every ratio with its numerator and denominator. Week and month
       tables sum a daily table's additive columns and call the same macro: a ratio is
       never averaged.
-#}

{#- (column, {source: per-row expression}) of every additive measure, per family. -#}
{% macro kpi_measures(family) -%}
    {%- set fcr_windows = var('fcr_windows_days', [1, 3, 7, 14, 30]) -%}
    {%- if family == 'customer_outcomes' -%}
        {%- set m = [
            ('contacts', {'contacts': '1'}),
            ('contacts_identified', {'contacts': "case when is_identified then 1 else 0 end"}),
            ('contacts_handled', {'contacts': "case when is_handled then 1 else 0 end"}),
            ('contacts_resolved', {'contacts': "case when is_resolved then 1 else 0 end"}),
            ('fcr_rate_numerator', {'contacts': "case when is_first_contact_resolution then 1 else 0 end"}),
            ('fcr_rate_denominator', {'contacts': "case when is_fcr_judged then 1 else 0 end"}),
        ] -%}
        {%- for n in fcr_windows -%}
            {%- do m.append(('fcr_' ~ n ~ 'd_rate_numerator', {'contacts': 'case when is_fcr_' ~ n ~ 'd then 1 else 0 end'})) -%}
            {%- do m.append(('fcr_' ~ n ~ 'd_rate_denominator', {'contacts': 'case when is_fcr_' ~ n ~ 'd_judged then 1 else 0 end'})) -%}
        {%- endfor -%}
        {%- do m.extend([
            ('resolution_rate_numerator', {'contacts': "case when is_resolved then 1 else 0 end"}),
            ('resolution_rate_denominator', {'contacts': "case when is_handled and has_crm_outcome then 1 else 0 end"}),
            ('repeat_contact_rate_numerator', {'contacts': "case when is_repeat_contact then 1 else 0 end"}),
            ('repeat_contact_rate_denominator', {'contacts': "case when is_repeat_judged then 1 else 0 end"}),
            ('surveys_sent', {'surveys': '1'}),
            ('survey_responses', {'surveys': "case when has_response then 1 else 0 end"}),
            ('survey_response_rate_numerator', {'surveys': "case when has_response then 1 else 0 end"}),
            ('survey_response_rate_denominator', {'surveys': '1'}),
            ('csat_rate_numerator', {'surveys': "case when csat_score >= 4 then 1 else 0 end"}),
            ('csat_rate_denominator', {'surveys': "case when csat_score is not null then 1 else 0 end"}),
            ('csat_mean_score_numerator', {'surveys': "coalesce(csat_score, 0)"}),
            ('csat_mean_score_denominator', {'surveys': "case when csat_score is not null then 1 else 0 end"}),
            ('nps_promoters', {'surveys': "case when nps_score >= 9 then 1 else 0 end"}),
            ('nps_passives', {'surveys': "case when nps_score between 7 and 8 then 1 else 0 end"}),
            ('nps_detractors', {'surveys': "case when nps_score <= 6 then 1 else 0 end"}),
            ('nps_score_numerator', {'surveys': "case when nps_score >= 9 then 100 when nps_score <= 6 then -100 else 0 end"}),
            ('nps_score_denominator', {'surveys': "case when nps_score is not null then 1 else 0 end"}),
            ('ces_mean_score_numerator', {'surveys': "coalesce(ces_score, 0)"}),
            ('ces_mean_score_denominator', {'surveys': "case when ces_score is not null then 1 else 0 end"}),
            ('detractor_follow_up_rate_numerator', {'surveys': "case when is_detractor_followed_up then 1 else 0 end"}),
            ('detractor_follow_up_rate_denominator', {'surveys': "case when is_detractor then 1 else 0 end"}),
            ('detractor_follow_up_seconds_numerator', {'surveys': "coalesce(seconds_to_follow_up, 0)"}),
            ('detractor_follow_up_seconds_denominator', {'surveys': "case when seconds_to_follow_up is not null then 1 else 0 end"}),
        ]) -%}
    {%- elif family == 'cases' -%}
        {%- set m = [
            ('cases_opened', {'cases': '1'}),
            ('cases_resolved', {'cases': "case when is_resolved then 1 else 0 end"}),
            ('cases_reopened', {'cases': "case when is_reopened then 1 else 0 end"}),
            ('case_resolution_rate_numerator', {'cases': "case when is_resolved then 1 else 0 end"}),
            ('case_resolution_rate_denominator', {'cases': '1'}),
            ('case_fcr_rate_numerator', {'cases': "case when is_resolved_on_first_contact then 1 else 0 end"}),
            ('case_fcr_rate_denominator', {'cases': "case when is_resolved then 1 else 0 end"}),
            ('reopen_rate_numerator', {'cases': "case when is_reopened then 1 else 0 end"}),
            ('reopen_rate_denominator', {'cases': "case when was_ever_resolved then 1 else 0 end"}),
            ('case_resolution_seconds_numerator', {'cases': "coalesce(seconds_to_resolution, 0)"}),
            ('case_resolution_seconds_denominator', {'cases': "case when seconds_to_resolution is not null then 1 else 0 end"}),
        ] -%}
    {%- elif family == 'sales' -%}
        {%- set m = [
            ('leads_submitted', {'leads': '1'}),
            ('leads_called', {'leads': "case when is_called then 1 else 0 end"}),
            ('leads_converted', {'leads': "case when is_converted then 1 else 0 end"}),
            ('speed_to_lead_within_target_rate_numerator', {'leads': "case when is_called_within_target then 1 else 0 end"}),
            ('speed_to_lead_within_target_rate_denominator', {'leads': "case when is_called then 1 else 0 end"}),
            ('speed_to_lead_minutes_numerator', {'leads': "coalesce(speed_to_lead_minutes, 0)"}),
            ('speed_to_lead_minutes_denominator', {'leads': "case when is_called then 1 else 0 end"}),
            ('speed_to_lead_business_minutes_numerator', {'leads': "coalesce(speed_to_lead_business_minutes, 0)"}),
            ('speed_to_lead_business_minutes_denominator', {'leads': "case when is_called then 1 else 0 end"}),
            ('lead_conversion_rate_numerator', {'leads': "case when is_converted then 1 else 0 end"}),
            ('lead_conversion_rate_denominator', {'leads': '1'}),
            ('lead_junk_rate_numerator', {'leads': "case when lead_status = 'junk' then 1 else 0 end"}),
            ('lead_junk_rate_denominator', {'leads': '1'}),
            ('lead_reach_rate_numerator', {'leads': "case when is_called and lead_status in ('qualified', 'not_interested', 'converted') then 1 else 0 end"}),
            ('lead_reach_rate_denominator', {'leads': "case when is_called then 1 else 0 end"}),
            ('opportunities_closed', {'sales': "case when is_closed then 1 else 0 end"}),
            ('opportunities_won', {'sales': "case when is_won then 1 else 0 end"}),
            ('sales_amount', {'sales': "sales_amount"}),
            ('opportunity_win_rate_numerator', {'sales': "case when is_won then 1 else 0 end"}),
            ('opportunity_win_rate_denominator', {'sales': "case when is_closed then 1 else 0 end"}),
        ] -%}
    {%- elif family == 'agent_sales' -%}
        {#- the sales measures plus the contacts an agent handled -#}
        {%- set m = kpi_measures('sales') + [
            ('contacts_handled', {'contacts': "case when is_handled then 1 else 0 end"}),
            ('revenue_per_contact_numerator', {'sales': "sales_amount"}),
            ('revenue_per_contact_denominator', {'contacts': "case when is_handled then 1 else 0 end"}),
            ('sales_conversion_rate_numerator', {'sales': "case when is_won then 1 else 0 end"}),
            ('sales_conversion_rate_denominator', {'contacts': "case when is_handled then 1 else 0 end"}),
        ] -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("kpi_measures: unknown family " ~ family) }}
    {%- endif -%}
    {{ return(m) }}
{%- endmacro %}

{#- (name, kind) of every ratio of a family: kind ratio (0-1), average, or nps (-100..100: its
    numerator is already 100 x (promoters - detractors), so sum(numerator) / sum(denominator)
    re-aggregates it on its own scale, D52). -#}
{% macro kpi_ratios(family) -%}
    {%- if family == 'customer_outcomes' -%}
        {%- set r = [('fcr_rate', 'ratio')] -%}
        {%- for n in var('fcr_windows_days', [1, 3, 7, 14, 30]) -%}
            {%- do r.append(('fcr_' ~ n ~ 'd_rate', 'ratio')) -%}
        {%- endfor -%}
        {%- do r.extend([
            ('resolution_rate', 'ratio'), ('repeat_contact_rate', 'ratio'),
            ('survey_response_rate', 'ratio'), ('csat_rate', 'ratio'),
            ('csat_mean_score', 'average'), ('nps_score', 'nps'), ('ces_mean_score', 'average'),
            ('detractor_follow_up_rate', 'ratio'), ('detractor_follow_up_seconds', 'average'),
        ]) -%}
    {%- elif family == 'cases' -%}
        {%- set r = [('case_resolution_rate', 'ratio'), ('case_fcr_rate', 'ratio'),
                     ('reopen_rate', 'ratio'), ('case_resolution_seconds', 'average')] -%}
    {%- elif family == 'sales' -%}
        {%- set r = [('speed_to_lead_within_target_rate', 'ratio'),
                     ('speed_to_lead_minutes', 'average'),
                     ('speed_to_lead_business_minutes', 'average'),
                     ('lead_conversion_rate', 'ratio'), ('opportunity_win_rate', 'ratio'),
                     ('lead_junk_rate', 'ratio'), ('lead_reach_rate', 'ratio')] -%}
    {%- elif family == 'agent_sales' -%}
        {%- set r = kpi_ratios('sales') + [('revenue_per_contact', 'average'),
                                           ('sales_conversion_rate', 'ratio')] -%}
    {%- endif -%}
    {{ return(r) }}
{%- endmacro %}

{#- The family's measures for the rows of one source (0 for the others' measures). -#}
{% macro kpi_measure_rows(family, source) -%}
    {%- for name, exprs in kpi_measures(family) %}
        {{ exprs.get(source, '0') }} as {{ name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- sum() of every additive measure of the family. -#}
{% macro kpi_measure_sums(family) -%}
    {%- for name, exprs in kpi_measures(family) %}
        sum({{ name }}) as {{ name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Counts, then each ratio with its numerator and denominator, from summed measures. -#}
{% macro kpi_final_columns(family) -%}
    {%- set parts = [] -%}
    {%- for name, exprs in kpi_measures(family) -%}
        {%- if not (name.endswith('_numerator') or name.endswith('_denominator')) -%}
            {%- if name == 'sales_amount' -%}
                {%- do parts.append('cast(sales_amount as numeric(28, 2)) as sales_amount') -%}
            {%- else -%}
                {%- do parts.append('cast(' ~ name ~ ' as ' ~ dbt.type_bigint() ~ ') as ' ~ name) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name, kind in kpi_ratios(family) -%}
        {%- set num = name ~ '_numerator' -%}
        {%- set den = name ~ '_denominator' -%}
        {%- if kind == 'ratio' -%}
            {%- do parts.append(ratio(num, den) ~ ' as ' ~ name) -%}
        {%- elif kind == 'average' -%}
            {%- do parts.append(average(num, den) ~ ' as ' ~ name) -%}
        {%- else -%}
            {%- do parts.append('cast(cast(' ~ num ~ ' as ' ~ dbt.type_numeric() ~ ') / nullif(' ~ den ~ ', 0) as numeric(28, 6)) as ' ~ name) -%}
        {%- endif -%}
        {%- if kind == 'average' -%}
            {%- do parts.append('cast(' ~ num ~ ' as numeric(28, 6)) as ' ~ num) -%}
        {%- else -%}
            {%- do parts.append('cast(' ~ num ~ ' as ' ~ dbt.type_bigint() ~ ') as ' ~ num) -%}
        {%- endif -%}
        {%- do parts.append('cast(' ~ den ~ ' as ' ~ dbt.type_bigint() ~ ') as ' ~ den) -%}
    {%- endfor -%}
    {{ parts | join(',\n        ') }}
{%- endmacro %}
