{#-
    Parsing helpers for Asterisk queue_log and CDR staging (voice models only).
-#}

{#- queue_log writes the literal `NONE` where a field does not apply (system events, a
    caller waiting with no agent): it and the empty string become NULL. -#}
{% macro asterisk_none_to_null(expr) -%}
    case
        when {{ expr }} is null or trim({{ expr }}) in ('', 'NONE') then null
        else trim({{ expr }})
    end
{%- endmacro %}

{#- A whole number written as text, or NULL when the text is not one. Portable without
    try_cast or regular expressions (PORTABLE_SQL.md rule 8): `translate` deletes the
    digits, and what is left must be empty; at most 18 digits so the cast cannot
    overflow a bigint. -#}
{% macro asterisk_parse_integer(expr) -%}
    case
        when {{ expr }} is not null
            and length(trim({{ expr }})) between 1 and 18
            and length(translate(trim({{ expr }}), '0123456789', '')) = 0
            then cast(trim({{ expr }}) as {{ dbt.type_bigint() }})
    end
{%- endmacro %}

{#- The quoted SQL list of a Python list of strings: ('A', 'B'). -#}
{% macro voice_sql_list(values) -%}
    ({% for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- The queue_log events that end a queue visit (KPIS.md grammar). -#}
{% macro asterisk_terminal_events() -%}
    {{ return(['COMPLETECALLER', 'COMPLETEAGENT', 'ABANDON', 'EXITEMPTY', 'EXITWITHTIMEOUT',
               'EXITWITHKEY', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER']) }}
{%- endmacro %}

{#- Events that end a visit with the caller connected to an agent. -#}
{% macro asterisk_answered_terminal_events() -%}
    {{ return(['COMPLETECALLER', 'COMPLETEAGENT', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER']) }}
{%- endmacro %}

{#- Events by which a call failed to join a queue (no ENTERQUEUE follows). -#}
{% macro asterisk_join_failure_events() -%}
    {{ return(['FULL', 'JOINEMPTY', 'JOINUNAVAIL']) }}
{%- endmacro %}

{#- Agent-session and system events: they may carry a callid and a queue, but they are
    not part of a caller's visit (PBXware writes ADDMEMBER with the session's callid). -#}
{% macro asterisk_agent_and_system_events() -%}
    {{ return(['ADDMEMBER', 'REMOVEMEMBER', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN',
               'AGENTCALLBACKLOGOFF', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL', 'QUEUESTART',
               'CONFIGRELOAD', 'AGENTDUMP', 'SYSCOMPAT']) }}
{%- endmacro %}

{#- Every event of the documented grammar (KPIS.md), the custom HOLD/UNHOLD included.
    Parameters of events outside it are hashed in staging: vendor events (PBXware OUT*)
    carry dialled numbers. -#}
{% macro asterisk_known_events() -%}
    {{ return(['ENTERQUEUE', 'CONNECT', 'RINGNOANSWER', 'RINGCANCELED', 'HOLD', 'UNHOLD']
              + asterisk_terminal_events() + asterisk_join_failure_events()
              + asterisk_agent_and_system_events()) }}
{%- endmacro %}

{#- A Unix epoch (seconds) as a naive UTC timestamp, portable (dbt.dateadd from 1970). -#}
{% macro voice_epoch_to_timestamp(epoch) -%}
    {{ dbt.dateadd('second', epoch, "cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#- A seed date column as a date whatever type the seed loader inferred: an all-empty
    `valid_to` column is loaded as INTEGER, and PostgreSQL refuses integer -> date casts
    even for NULLs, so go through text. -#}
{% macro voice_seed_date(column) -%}
    cast(cast({{ column }} as {{ dbt.type_string() }}) as date)
{%- endmacro %}
