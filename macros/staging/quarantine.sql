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

{# The rows of a base model that reach the clean staging model. #}
{% macro clean_rows(base_model) -%}
    select * from {{ ref(base_model) }}
    where _quarantine_reason is null and not _is_superseded
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
    The raw columns a source's YAML declares, in their declared order (read from the
    graph; empty while parsing, and with required=false in a unit test, whose graph
    holds no sources). The contract's columns: never the loader's _load_seq.
#}
{% macro declared_columns(source_name, table_name, required=true) -%}
    {%- set column_names = [] -%}
    {%- if execute -%}
        {%- set source_id = 'source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name -%}
        {#- a unit test's graph has no sources: required=false gives no columns there -#}
        {%- set source_node = (graph.get('sources') or {}).get(source_id) -%}
        {%- if source_node is none and not required -%}
            {{ return([]) }}
        {%- endif -%}
        {%- if source_node is none or not source_node.columns -%}
            {{ exceptions.raise_compiler_error(
                "declared_columns: " ~ source_id ~ " must be declared with its columns in the source's YAML") }}
        {%- endif -%}
        {%- for name in source_node.columns -%}
            {%- do column_names.append(name) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(column_names) }}
{%- endmacro %}

{#
    The body of a quarantine model: one row per impossible raw row, with the
    source table, the row's key, the reason code and the raw row as JSON.
    The raw columns are the ones the source's YAML declares (read from the
    graph, in their declared order): the model depends on its base model only,
    the one relation it reads.
#}
{% macro quarantine_rows(base_model, source_name, table_name, key_column) -%}
    {%- set column_names = cx_metrics.declared_columns(source_name, table_name) -%}
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
