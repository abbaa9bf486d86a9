{#
    Staging keeps every raw row in a `base_` model, annotated with
        _row_rank          1 = the winning copy of a re-extracted key
        _is_superseded     an older copy of a key that was extracted again
        _quarantine_reason null = clean; else a reason code (DECISIONLOG.md)
    The clean `stg_` model and the `quarantine_` model read it, so that
    raw rows = staged + quarantined + superseded, by construction and by test.
#}

{# true when a text key is null or blank #}
{% macro is_blank(column) -%}
    ({{ column }} is null or trim({{ column }}) = '')
{%- endmacro %}

{#
    The rows of a base model that reach the clean staging model.
    Test-only fault injection: var cx_test_break_staging_dedupe=true lets superseded
    copies through (duplicate keys in every stg_ model) so the quality gates can be
    shown to stop the build (tests/python/test_pipeline.py). Never set it otherwise.
#}
{% macro clean_rows(base_model) -%}
    select * from {{ ref(base_model) }}
    where _quarantine_reason is null
    {%- if not var('cx_test_break_staging_dedupe', false) %} and not _is_superseded{% endif %}
{%- endmacro %}

{#
    A JSON text of the given columns, built with portable string functions
    only, identical on every engine: each value is a JSON string of its text
    cast (or null); backslash, double quote and newline are escaped. The
    escapes use chr() because engines read backslashes in literals differently
    (Spark treats '\\' as an escape, DuckDB and Postgres do not).
#}
{% macro row_as_json(column_names) -%}
    {%- set parts = ["'{'"] -%}
    {%- for name in column_names -%}
        {%- set text = "cast(" ~ adapter.quote(name) ~ " as " ~ dbt.type_string() ~ ")" -%}
        {%- set escaped = "replace(replace(replace(" ~ text ~ ", chr(92), chr(92) || chr(92)), chr(34), chr(92) || chr(34)), chr(10), chr(92) || 'n')" -%}
        {%- set value -%}
            coalesce('"' || {{ escaped }} || '"', 'null')
        {%- endset -%}
        {%- do parts.append("'" ~ ('' if loop.first else ',') ~ '"' ~ name ~ '":' ~ "'") -%}
        {%- do parts.append(value) -%}
    {%- endfor -%}
    {%- do parts.append("'}'") -%}
    {{ parts | join(' || ') }}
{%- endmacro %}

{#
    The body of a quarantine model: one row per impossible raw row, with the
    source table, the row's key, the reason code and the raw row as JSON.
#}
{% macro quarantine_rows(base_model, source_name, table_name, key_column) -%}
    {%- set raw_relation = source(source_name, table_name) -%}
    {%- set column_names = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(raw_relation) -%}
            {%- do column_names.append(column.name) -%}
        {%- endfor -%}
    {%- endif -%}
with

base as (
    select * from {{ ref(base_model) }}
),

quarantined as (
    select
        '{{ table_name }}' as source_table,
        cast({{ key_column }} as {{ dbt.type_string() }}) as record_key,
        _quarantine_reason as reason_code,
        {{ cx_metrics.row_as_json(column_names) if column_names else "cast(null as " ~ dbt.type_string() ~ ")" }} as raw_row,
        _loaded_at
    from base
    where _quarantine_reason is not null and not _is_superseded
)

select * from quarantined
{%- endmacro %}
