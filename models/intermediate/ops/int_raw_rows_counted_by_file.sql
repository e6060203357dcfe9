/*
    One row per file version (file name and sha256) with the rows its raw table holds.

    Read from the raw tables themselves (not staging): staging deduplicates rows delivered
    twice, and the reconciliation of dq_file_loads compares the ledger with what ingestion
    stored.
*/

with

{% set raw_tables = [
    ('raw_asterisk', 'queue_log'),
    ('raw_asterisk', 'cdr'),
    ('raw_roster', 'agents'),
    ('raw_amazon_connect', 'contact_trace_records'),
    ('raw_mapped', 'contacts'),
    ('raw_wfm', 'schedules'),
    ('raw_wfm', 'forecasts'),
] %}

{% for schema, table in raw_tables %}
{{ table }}_rows as (

    select
        _file_name as file_name,
        _file_sha256 as file_sha256,
        count(*) as rows_in_raw_table
    from {{ source(schema, table) }}
    group by _file_name, _file_sha256

),

{% endfor %}

unioned as (

    {% for schema, table in raw_tables %}
    select * from {{ table }}_rows
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        file_name,
        file_sha256,
        sum(rows_in_raw_table) as rows_in_raw_table
    from unioned
    group by file_name, file_sha256

)

select * from final
