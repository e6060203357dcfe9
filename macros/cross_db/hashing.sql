{#-
    Keyed hash of a customer identifier (phone, e-mail, name). The key comes from the
    environment (CCWH_HASH_KEY) so that the hashes cannot be reversed by hashing a phone
    book; NULL and empty stay NULL. md5 exists on DuckDB, PostgreSQL and Spark alike.
-#}
{% macro hash_pii(expr) -%}
    case
        when {{ expr }} is null or trim({{ expr }}) = '' then null
        else md5(concat('{{ env_var("CCWH_HASH_KEY", "ccwh-development-key") }}', '|', trim({{ expr }})))
    end
{%- endmacro %}

{#- Surrogate key from several columns (NULL-safe), hex md5. -#}
{% macro surrogate_key(columns) -%}
    md5(concat(
    {%- for c in columns %}
        coalesce(cast({{ c }} as {{ dbt.type_string() }}), '~null~'){% if not loop.last %}, '|',{% endif %}
    {%- endfor %}
    ))
{%- endmacro %}
