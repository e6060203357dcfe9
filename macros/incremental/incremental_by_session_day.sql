{#
    The agent chain incremental by SESSION DAY (DECISIONS.md D180-D182).

    Pauses and agent states belong to a logged-in session (int_agent_sessions_sessionized,
    a full rebuild: a new file can extend a session open at the end of the data over any
    number of days). The models below it are keyed by `session_day`, the UTC date of their
    session's start, and rebuild whole sessions: every row of a session lands in the same
    day, so a session crossing midnight, or extended by the next file, is rebuilt whole.

    The session days to rebuild are found from the fingerprints of the model's inputs
    (macros/incremental/incremental_by_day.sql): inputs keyed by session day (the sessions,
    the pauses) give their changed days directly; inputs keyed by the day of an event (pause
    events, calls) give the days on which something changed, and a changed day D brings in
    every session that overlaps it (started before D + 1, ended at or after D), read from
    the sessions model, which is already built. The changed days themselves are rebuilt too
    (a day whose sessions all disappeared must lose its rows).
#}

{#
    The session days to rebuild (sorted 'YYYY-MM-DD'), none for every day. Called in the
    model's body with `inputs` (as incremental_days, each with a `reach`), and by the
    pre-hook without them (the same days: from the fingerprints written by the body).
    `reach` of an input says which sessions a changed day D of it touches:
    - 'self' (the default): the input is keyed by session day, D is the session day;
    - a number n of days: the sessions that overlap [D, D + n + 1) (an event of D belongs
      to a session that overlaps D: 0; a call answered on D lasts less than a day: 1);
    - 'after': every session that ends at or after D (a call still connected at the end of
      the data is clipped into every later session of its agent).
#}
{% macro incremental_session_days(sessions, inputs=none) %}
    {%- if not contact_center.incremental_days_active() -%}
        {{ return(none) }}
    {%- elif inputs is not none -%}
        {%- set reaches = [] -%}
        {%- for input in inputs -%}
            {%- do reaches.append(input.get('reach', 'self')) -%}
        {%- endfor -%}
        {%- do contact_center.incremental_session_days_reaches(reaches) -%}
        {%- set changed = contact_center.incremental_days(inputs) -%}
    {%- elif is_incremental() -%}
        {%- set changed = contact_center.incremental_changed_days([0]) -%}
    {%- else -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if changed is none or changed | length == 0 -%}
        {{ return(changed) }}
    {%- endif -%}
    {%- set reaches = contact_center.incremental_session_days_reaches() -%}
    {%- set by_input = contact_center.incremental_changed_days_by_input() -%}
    {%- set conditions = [] -%}
    {%- for source_index, days in by_input.items() -%}
        {%- set reach = reaches[source_index - 1] -%}
        {%- for text in days -%}
            {%- set day = modules.datetime.date.fromisoformat(text) -%}
            {%- set from_at = contact_center.incremental_day_literal(day, 'timestamp') -%}
            {%- if reach == 'self' -%}
                {%- do conditions.append(
                    '(session_started_at >= ' ~ from_at ~ ' and session_started_at < '
                    ~ contact_center.incremental_day_literal(day + modules.datetime.timedelta(days=1), 'timestamp') ~ ')') -%}
            {%- elif reach == 'after' -%}
                {%- do conditions.append('(session_ended_at >= ' ~ from_at ~ ')') -%}
            {%- else -%}
                {%- do conditions.append(
                    '(session_ended_at >= ' ~ from_at ~ ' and session_started_at < '
                    ~ contact_center.incremental_day_literal(day + modules.datetime.timedelta(days=reach + 1), 'timestamp') ~ ')') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set days = [] -%}
    {%- for day in changed -%}
        {%- do days.append(day) -%}
    {%- endfor -%}
    {%- if conditions -%}
        {%- set query -%}
            select distinct cast(cast(session_started_at as date) as {{ dbt.type_string() }}) as session_day
            from {{ sessions }}
            where {{ conditions | join('\n                or ') }}
        {%- endset -%}
        {%- for row in run_query(query).rows -%}
            {%- set day = (row[0] | string)[:10] -%}
            {%- if day not in days -%}
                {%- do days.append(day) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(days | sort) }}
{% endmacro %}


{#- The reach of each input, kept from the body's call for the pre-hook (the same model:
    hooks run in the model's context, after its body was compiled). Stored in the model's
    config meta, which the body sets: `meta={'incremental_session_reaches': [...]}`. -#}
{% macro incremental_session_days_reaches(reaches=none) %}
    {%- set stored = config.get('meta', {}).get('incremental_session_reaches') -%}
    {%- if reaches is not none and stored is not none and stored != reaches -%}
        {{ exceptions.raise_compiler_error(
            this.identifier ~ ': meta incremental_session_reaches ' ~ stored
            ~ ' differs from the inputs\' reaches ' ~ reaches) }}
    {%- endif -%}
    {%- if stored is none -%}
        {{ exceptions.raise_compiler_error(
            this.identifier ~ ': set meta incremental_session_reaches (the reach of each input)') }}
    {%- endif -%}
    {{ return(stored) }}
{% endmacro %}


{# Per input (source_index, 1-based): the days whose fingerprint changed since the model's
   last build (no global change: incremental_changed_days has returned a list). #}
{% macro incremental_changed_days_by_input() %}
    {%- set model_name = this.identifier -%}
    {%- set query -%}
        with
        next_prints as (
            select source_index, day_value, fingerprint
            from {{ contact_center.incremental_state_relation(true) }} where model_name = '{{ model_name }}'
        ),
        last_prints as (
            select source_index, day_value, fingerprint
            from {{ contact_center.incremental_state_relation() }} where model_name = '{{ model_name }}'
        )
        select
            coalesce(next_prints.source_index, last_prints.source_index) as source_index,
            cast(coalesce(next_prints.day_value, last_prints.day_value) as {{ dbt.type_string() }}) as day_value
        from next_prints
        full outer join last_prints
            on next_prints.source_index = last_prints.source_index
            and next_prints.day_value = last_prints.day_value
        where next_prints.fingerprint is null
            or last_prints.fingerprint is null
            or next_prints.fingerprint <> last_prints.fingerprint
    {%- endset -%}
    {%- set out = {} -%}
    {%- for row in run_query(query).rows -%}
        {%- set index = row[0] | int -%}
        {%- if index not in out -%}
            {%- do out.update({index: []}) -%}
        {%- endif -%}
        {%- do out[index].append((row[1] | string)[:10]) -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}


{# Pre-hook: delete the session days to rebuild (all rows when every day is rebuilt). #}
{% macro delete_incremental_session_days(day_column, sessions) %}
    {%- if not (contact_center.incremental_days_active() and is_incremental()) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set days = contact_center.incremental_session_days(sessions) -%}
    {{ return(adapter.dispatch('delete_days_sql', 'contact_center')(this, day_column, days)) }}
{% endmacro %}


{# The days (sorted 'YYYY-MM-DD') on which the sessions of `session_days` have events: from
   each session day to the UTC date of the latest end among its sessions. none stays none. #}
{% macro incremental_session_event_days(sessions, session_days) %}
    {%- if session_days is none or session_days | length == 0 -%}
        {{ return(session_days) }}
    {%- endif -%}
    {%- set query -%}
        select
            cast(cast(session_started_at as date) as {{ dbt.type_string() }}) as session_day,
            cast(max(cast(session_ended_at as date)) as {{ dbt.type_string() }}) as last_day
        from {{ sessions }}
        where {{ contact_center.incremental_day_filter('session_started_at', session_days, 'timestamp') }}
        group by cast(session_started_at as date)
    {%- endset -%}
    {%- set days = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- set first = modules.datetime.date.fromisoformat((row[0] | string)[:10]) -%}
        {%- set last = modules.datetime.date.fromisoformat((row[1] | string)[:10]) -%}
        {%- for offset in range((last - first).days + 1) -%}
            {%- set day = (first + modules.datetime.timedelta(days=offset)).isoformat() -%}
            {%- if day not in days -%}
                {%- do days.append(day) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(days | sort) }}
{% endmacro %}
