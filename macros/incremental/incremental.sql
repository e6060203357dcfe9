{#
    Incremental builds (DECISIONS.md D60-D62).

    Staging of the big append-only raw tables (queue_log, CDR) is incremental by FILE: a run
    re-reads only the files the ledger loaded since the last build (their `_loaded_at` is
    later than the newest one in the model), plus every file with an event in the same time
    span (so that duplicates delivered by two files still keep the earliest delivered copy),
    and replaces those files' rows. On DuckDB and PostgreSQL that is delete+insert on
    `_file_name`; on Spark (Parquet tables, no MERGE) insert_overwrite of the `_file_name`
    partitions, which replaces exactly the partitions present in the new rows: the same
    result. `ccwh run --full-refresh` (dbt --full-refresh) rebuilds them from scratch.
#}

{% macro incremental_by_file_config() %}
    {{ return(adapter.dispatch('incremental_by_file_config', 'contact_center')()) }}
{% endmacro %}

{% macro default__incremental_by_file_config() %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': '_file_name',
        'on_schema_change': 'fail',
    }) }}
{% endmacro %}

{% macro spark__incremental_by_file_config() %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'partition_by': ['_file_name'],
        'file_format': 'parquet',
        'on_schema_change': 'fail',
    }) }}
{% endmacro %}


{#
    The CTEs of an incremental-by-file batch over the raw table `relation`, whose events are
    placed in time by `time_column` (must be comparable with itself only):
    - batch_new_files: files loaded after the newest `_loaded_at` already in {{ this }};
    - batch_files: those, plus every file with an event in their time span;
    - batch_span: the time span of all rows of batch_files.
    A model reads `relation` where `time_column` is in batch_span (or null), deduplicates over
    those rows, and keeps the rows whose file is in batch_files.
#}
{% macro file_batch_ctes(relation, time_column) %}

batch_watermark as (

    select coalesce(max(_loaded_at), cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})) as loaded_at
    from {{ this }}

),

batch_new_files as (

    select distinct _file_name
    from {{ relation }}
    where _loaded_at > (select loaded_at from batch_watermark)

),

batch_new_span as (

    select
        min({{ time_column }}) as span_start,
        max({{ time_column }}) as span_end
    from {{ relation }}
    where _file_name in (select _file_name from batch_new_files)

),

batch_files as (

    select _file_name from batch_new_files
    union
    select distinct _file_name
    from {{ relation }}
    where {{ time_column }} between
        (select span_start from batch_new_span) and (select span_end from batch_new_span)

),

batch_span as (

    select
        min({{ time_column }}) as span_start,
        max({{ time_column }}) as span_end
    from {{ relation }}
    where _file_name in (select _file_name from batch_files)

),

{% endmacro %}


{# The filter of the rows a batch reads: its time span, and the rows without a time. #}
{% macro file_batch_rows_filter(time_column) %}
    (
        {{ time_column }} is null
        or {{ time_column }} between
            (select span_start from batch_span) and (select span_end from batch_span)
    )
{% endmacro %}


{#
    Pre-hook of a model incremental by file: remove the rows of the batch's files first.
    delete+insert (and insert_overwrite) replace only the files that have rows in the new
    batch; a file whose rows all became duplicates of another file's (a re-delivered file
    loaded again after its copy) has none, and its old rows must still go. The batch is
    computed here, at run time, before the model's own query (which computes the same batch).
#}
{% macro delete_file_batch(source_name, table_name, time_column) %}
    {%- if execute and is_incremental() -%}
        {%- set relation = source(source_name, table_name) -%}
        {%- set query -%}
            with
            {{ file_batch_ctes(relation, time_column) }}
            final as (select _file_name from batch_files)
            select _file_name from final
        {%- endset -%}
        {%- set files = run_query(query).columns[0].values() | list -%}
        {%- if files | length > 0 -%}
            {{ return(adapter.dispatch('delete_files_sql', 'contact_center')(this, files)) }}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{% macro default__delete_files_sql(relation, files) %}
    delete from {{ relation }} where _file_name in (
        {%- for f in files %}'{{ f | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
    )
{% endmacro %}

{% macro spark__delete_files_sql(relation, files) %}
    alter table {{ relation }} drop if exists
        {%- for f in files %} partition (_file_name = '{{ f | replace("\\", "\\\\") | replace("'", "\\'") }}'){{ "," if not loop.last }}{% endfor %}
{% endmacro %}
