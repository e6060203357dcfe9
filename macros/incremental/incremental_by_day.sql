{#
    Incremental builds by DAY downstream of staging (DECISIONS.md D130-D134).

    A model incremental by day rebuilds only the days whose input changed since ITS OWN last
    successful build, and replaces exactly those days. What changed is found by fingerprints:
    for every input (a relation, the expression giving each row's day, an optional filter and
    column list), the run computes per day a fingerprint of its rows (the row count and the
    sum of a hash of every row) and compares it with the fingerprints stored by the model's
    previous successful build (state tables in the schema `run_state`). A day whose
    fingerprint differs, appears or disappears has changed: new days, late files, corrected
    re-deliveries, duplicates resolved differently, and changes that reach a day through a
    fully rebuilt upstream model (an agent's after-call work extended by the next day's
    file) are all seen the same way, whatever produced them. An input without a day column
    (a dimension), and the rows of an input whose day is null, have one fingerprint: when it
    changes, every day is rebuilt.

    - `incremental_days(inputs, offsets)`, called in the model's body (compile time), writes
      this run's fingerprints of the inputs (`..._next`) and returns the days to rebuild: the
      changed days widened by `offsets` (e.g. [-1, 0]: a changed day also changes the day
      before), sorted; `none` when every day is to be built (first build, --full-refresh,
      no stored fingerprints yet, a dimension changed, or not a run/build command).
    - the pre-hook `delete_incremental_days(column, offsets)` deletes those days from the
      model (a day whose new rows are fewer, or none, must lose its old rows: the trap D60
      handles for files); the model then inserts the rows of those days (delete+insert on the
      day column on DuckDB and PostgreSQL, insert_overwrite of the day partitions on Spark).
    - the post-hook `commit_incremental_days()` stores this run's fingerprints as the
      model's own, only after the model was built: a failed run leaves the old ones, so the
      next run rebuilds the same days again.
#}

{#- `pre_hook`: the delete of the days to rebuild, when the model finds its days otherwise
    (the agent chain by session day: macros/incremental/incremental_by_session_day.sql) -#}
{% macro incremental_by_day_config(day_column, pre_hook=none) %}
    {%- set config = adapter.dispatch('incremental_by_day_config', 'contact_center')(day_column) -%}
    {%- if pre_hook is not none -%}
        {%- do config.update({'pre_hook': pre_hook}) -%}
    {%- endif -%}
    {{ return(config) }}
{% endmacro %}

{% macro default__incremental_by_day_config(day_column) %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': day_column,
        'on_schema_change': 'fail',
        'pre_hook': "{{ delete_incremental_days('" ~ day_column ~ "') }}",
        'post_hook': "{{ commit_incremental_days() }}",
    }) }}
{% endmacro %}

{% macro spark__incremental_by_day_config(day_column) %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'partition_by': [day_column],
        'file_format': 'parquet',
        'on_schema_change': 'fail',
        'pre_hook': "{{ delete_incremental_days('" ~ day_column ~ "') }}",
        'post_hook': "{{ commit_incremental_days() }}",
    }) }}
{% endmacro %}


{# The state tables: this run's fingerprints (`_next`) and those of the last build. #}
{% macro incremental_state_relation(next=false) -%}
    run_state.incremental_day_fingerprints{{ '_next' if next else '' }}
{%- endmacro %}

{% macro incremental_state_ddl() %}
    {{ return(adapter.dispatch('incremental_state_ddl', 'contact_center')()) }}
{% endmacro %}

{% macro default__incremental_state_ddl() %}
    {%- set statements = ['create schema if not exists run_state'] -%}
    {%- for next in [false, true] -%}
        {%- do statements.append(
            'create table if not exists ' ~ incremental_state_relation(next)
            ~ ' (model_name varchar(255), source_index integer, day_value date,'
            ~ ' fingerprint varchar(255))'
        ) -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}

{% macro spark__incremental_state_ddl() %}
    {%- set statements = ['create schema if not exists run_state'] -%}
    {%- for next in [false, true] -%}
        {%- do statements.append(
            'create table if not exists ' ~ incremental_state_relation(next)
            ~ ' (source_index int, day_value date, fingerprint string, model_name string)'
            ~ ' using parquet partitioned by (model_name)'
        ) -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}


{# Replace the rows of one model in a state table by the rows of `select_sql`
   (columns source_index, day_value, fingerprint). #}
{% macro incremental_state_replace(relation, model_name, select_sql) %}
    {{ return(adapter.dispatch('incremental_state_replace', 'contact_center')(relation, model_name, select_sql)) }}
{% endmacro %}

{% macro default__incremental_state_replace(relation, model_name, select_sql) %}
    {{ return([
        "delete from " ~ relation ~ " where model_name = '" ~ model_name ~ "'",
        "insert into " ~ relation ~ " (model_name, source_index, day_value, fingerprint) "
            ~ "select '" ~ model_name ~ "', source_index, day_value, fingerprint from ("
            ~ select_sql ~ ") as fingerprints",
    ]) }}
{% endmacro %}

{% macro spark__incremental_state_replace(relation, model_name, select_sql) %}
    {{ return([
        "insert overwrite table " ~ relation ~ " partition (model_name = '" ~ model_name ~ "') "
            ~ "select source_index, day_value, fingerprint from (" ~ select_sql ~ ") as fingerprints",
    ]) }}
{% endmacro %}


{# A hash of a row's columns as a non-negative integer; summed per day. Only ever compared
   with fingerprints made by the same engine. #}
{% macro incremental_row_hash(columns) %}
    {{ return(adapter.dispatch('incremental_row_hash', 'contact_center')(columns)) }}
{% endmacro %}

{% macro duckdb__incremental_row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#- PostgreSQL: the text of a row value (a function takes at most 100 arguments, a mart has
    more columns than concat() could take with its separators) -#}
{% macro default__incremental_row_hash(columns) -%}
    ('x' || substr(md5(cast(row({{ columns | join(', ') }}) as text)), 1, 8))::bit(32)::bigint
{%- endmacro %}

{% macro spark__incremental_row_hash(columns) -%}
    cast(conv(substr({{ contact_center.surrogate_key(columns) }}, 1, 8), 16, 10) as bigint)
{%- endmacro %}


{# The day that stands for "no day" (an input without a day column: a dimension). #}
{% macro incremental_no_day() -%}
    cast('1900-01-01' as date)
{%- endmacro %}


{% macro incremental_fingerprints_sql(inputs) %}
    {%- set parts = [] -%}
    {%- for input in inputs -%}
        {%- set columns = input.get('columns') -%}
        {%- if not columns -%}
            {%- set columns = adapter.get_columns_in_relation(input['relation']) | map(attribute='name') | list -%}
        {%- endif -%}
        {#- a row without a day counts with the dimensions: if it changes, every day is rebuilt -#}
        {%- set day = 'coalesce(' ~ input['day'] ~ ', ' ~ incremental_no_day() ~ ')' if input.get('day') else incremental_no_day() -%}
        {%- set part -%}
            select
                {{ loop.index }} as source_index,
                {{ day }} as day_value,
                {{ dbt.concat([
                    "cast(count(*) as " ~ dbt.type_string() ~ ")", "':'",
                    "cast(sum(" ~ incremental_row_hash(columns) ~ ") as " ~ dbt.type_string() ~ ")"
                ]) }} as fingerprint
            from {{ input['relation'] }}
            {% if input.get('where') %}where {{ input['where'] }}{% endif %}
            group by {{ day }}
        {%- endset -%}
        {%- do parts.append(part) -%}
    {%- endfor -%}
    {{ return(parts | join('\nunion all\n')) }}
{% endmacro %}


{# Is a model being built (the fingerprints are written only then; not in unit tests,
   whose inputs are fixtures)? #}
{% macro incremental_days_active() %}
    {{ return(execute and flags.WHICH in ('run', 'build') and model.resource_type == 'model') }}
{% endmacro %}


{#
    The days to rebuild, from the state tables: every (input, day) whose fingerprint differs
    between this run and the model's last build, widened by `offsets`. `none` = all days.
#}
{% macro incremental_changed_days(offsets=[0]) %}
    {%- set model_name = this.identifier -%}
    {%- set query -%}
        with
        next_prints as (
            select source_index, day_value, fingerprint
            from {{ incremental_state_relation(true) }} where model_name = '{{ model_name }}'
        ),
        last_prints as (
            select source_index, day_value, fingerprint
            from {{ incremental_state_relation() }} where model_name = '{{ model_name }}'
        ),
        changed as (
            select coalesce(next_prints.day_value, last_prints.day_value) as day_value
            from next_prints
            full outer join last_prints
                on next_prints.source_index = last_prints.source_index
                and next_prints.day_value = last_prints.day_value
            where next_prints.fingerprint is null
                or last_prints.fingerprint is null
                or next_prints.fingerprint <> last_prints.fingerprint
        )
        select
            cast(day_value as {{ dbt.type_string() }}) as day_value,
            case when day_value = {{ incremental_no_day() }} then 1 else 0 end as is_global
        from changed
    {%- endset -%}
    {%- set table = run_query(query) -%}
    {%- set stored = run_query(
        "select count(*) from " ~ incremental_state_relation() ~ " where model_name = '" ~ model_name ~ "'"
    ).columns[0].values()[0] -%}
    {%- if stored | int == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set days = [] -%}
    {%- for row in table.rows -%}
        {%- if row[1] | int == 1 -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set day = modules.datetime.date.fromisoformat((row[0] | string)[:10]) -%}
        {%- for offset in offsets -%}
            {%- set widened = (day + modules.datetime.timedelta(days=offset)).isoformat() -%}
            {%- if widened not in days -%}
                {%- do days.append(widened) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(days | sort) }}
{% endmacro %}


{#
    Called in the body of a model incremental by day. `inputs`: a list of
    {'relation': ref(...), 'day': SQL expression of the row's day (omit for a dimension),
     'where': optional filter, 'columns': optional list of the columns that matter}.
    Returns the sorted list of days ('YYYY-MM-DD') to rebuild, or none for all days.
#}
{% macro incremental_days(inputs, offsets=[0]) %}
    {%- if not contact_center.incremental_days_active() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for statement in incremental_state_ddl() -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {%- for statement in incremental_state_replace(
            incremental_state_relation(true), this.identifier, incremental_fingerprints_sql(inputs)) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(incremental_changed_days(offsets)) }}
{% endmacro %}


{# Pre-hook: delete the days to rebuild (all rows when every day is rebuilt). #}
{% macro delete_incremental_days(day_column, offsets=none) %}
    {%- if not (contact_center.incremental_days_active() and is_incremental()) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set offsets = offsets or config.get('meta', {}).get('incremental_day_offsets', [0]) -%}
    {%- set days = incremental_changed_days(offsets) -%}
    {{ return(adapter.dispatch('delete_days_sql', 'contact_center')(this, day_column, days)) }}
{% endmacro %}

{% macro default__delete_days_sql(relation, day_column, days) %}
    {%- if days is none -%}
        delete from {{ relation }}
    {%- elif days | length > 0 -%}
        delete from {{ relation }} where {{ incremental_day_filter(day_column, days) }}
    {%- endif -%}
{% endmacro %}

{% macro spark__delete_days_sql(relation, day_column, days) %}
    {%- if days is none -%}
        truncate table {{ relation }}
    {%- elif days | length > 0 -%}
        alter table {{ relation }} drop if exists
        {%- for day in days %} partition ({{ day_column }} = '{{ day }}'){{ "," if not loop.last }}{% endfor %}
    {%- endif -%}
{% endmacro %}


{# Post-hook: this run's fingerprints become the model's own. #}
{% macro commit_incremental_days() %}
    {%- if not contact_center.incremental_days_active() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set select_sql -%}
        select source_index, day_value, fingerprint
        from {{ incremental_state_relation(true) }}
        where model_name = '{{ this.identifier }}'
    {%- endset -%}
    {%- for statement in incremental_state_replace(incremental_state_relation(), this.identifier, select_sql) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#
    A filter keeping the rows of `days` (sorted 'YYYY-MM-DD' strings; none = every row):
    consecutive days become one half-open range on `expr`, which a date or a timestamp
    column both compare with (and which DuckDB's zone maps can prune).
#}
{% macro incremental_day_filter(expr, days, type='date') %}
    {%- if days is none -%}
        1 = 1
    {%- elif days | length == 0 -%}
        1 = 0
    {%- else -%}
        {%- set ranges = [] -%}
        {%- set start = namespace(day=none, last=none) -%}
        {%- for text in days -%}
            {%- set day = modules.datetime.date.fromisoformat(text) -%}
            {%- if start.day is none -%}
                {%- set start.day = day -%}
            {%- elif (day - start.last).days > 1 -%}
                {%- do ranges.append((start.day, start.last)) -%}
                {%- set start.day = day -%}
            {%- endif -%}
            {%- set start.last = day -%}
        {%- endfor -%}
        {%- do ranges.append((start.day, start.last)) -%}
        (
        {%- for first, last in ranges %}
            {{ "or " if not loop.first }}({{ expr }} >= {{ incremental_day_literal(first, type) }}
                and {{ expr }} < {{ incremental_day_literal(last + modules.datetime.timedelta(days=1), type) }})
        {%- endfor %}
        )
    {%- endif -%}
{% endmacro %}

{% macro incremental_day_literal(day, type) -%}
    {%- if type == 'date' -%}
        cast('{{ day.isoformat() }}' as date)
    {%- else -%}
        cast('{{ day.isoformat() }} 00:00:00' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}


{# Widen sorted days by offsets (e.g. [-1, 0, 1]); none stays none. #}
{% macro incremental_widen_days(days, offsets) %}
    {%- if days is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set out = [] -%}
    {%- for text in days -%}
        {%- for offset in offsets -%}
            {%- set widened = (modules.datetime.date.fromisoformat(text) + modules.datetime.timedelta(days=offset)).isoformat() -%}
            {%- if widened not in out -%}
                {%- do out.append(widened) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(out | sort) }}
{% endmacro %}
