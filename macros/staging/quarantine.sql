{#
    Staging keeps every raw row in a `base_` model, annotated with
        _row_rank          1 = the winning copy of a re-extracted key
        _is_superseded     an older copy of a key that was extracted again
        _quarantine_reason null = clean; else a reason code (DECISIONLOG.md)
    The clean `stg_` model and the `quarantine_` model read it, so that
    raw rows = staged + quarantined + superseded, by construction and by test.
#}

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
    `expressions`: name -> the expression of a column not stored under its name
    (a base table's ids: raw_id).
#}
{% macro row_as_json(column_names, expressions={}) -%}
    {%- set parts = ["'{'"] -%}
    {%- for name in column_names -%}
        {%- set text = "cast(" ~ expressions.get(name, adapter.quote(name)) ~ " as " ~ dbt.type_string() ~ ")" -%}
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
    A quarantine model (its config and its body): one row per impossible raw
    row, with the source table, the row's key (null when it has none: a blank
    key is no key), the reason code and the raw row as JSON. The raw columns are
    the ones the source's YAML declares (read from the graph, in their declared
    order).

    On DuckDB it is incremental and rebuilt with its base model (issue 16): in
    a scoped build the pre-hook deletes the quarantine rows of every key the
    base model rebuilt, and the select adds back the rows the base model
    staged again that are still impossible (`staged_this_build`: all of them
    and only them, read at the end of the base table). A row without a key is its
    own: a new one is added, an old one stays (its null record_key matches no
    key). `scope_model` is the base model's, when it has one.
#}
{% macro quarantine_rows(base_model, source_name, table_name, key_column, scope_model=none) -%}
    {{ cx_metrics.rebuilt_by_key_config(
        'delete_quarantined_keys', [base_model, key_column, scope_model], {'schema': 'quarantine'}
    ) }}
    {%- if scope_model is not none -%}
        {#- read in a scoped build only; a dependency always -#}
        {%- do ref(scope_model) -%}
    {%- endif -%}
    {%- set column_names = cx_metrics.declared_columns(source_name, table_name) -%}
    {%- set raw_ids = {} -%}
    {%- for name in cx_metrics.id_columns((source_name, table_name)) -%}
        {%- do raw_ids.update({name: cx_metrics.raw_id(name)}) -%}
    {%- endfor -%}
with

base as (
    select * from {{ ref(base_model) }}
    {%- if cx_metrics.is_scoped() %}
    where {{ cx_metrics.staged_this_build() }}
    {%- endif %}
),

quarantined as (
    select
        '{{ table_name }}' as source_table,
        case
            when {{ cx_metrics.lacks_key(key_column) }} then null
            else cast({{ cx_metrics.raw_id(key_column) }} as {{ dbt.type_string() }})
        end as record_key,
        _quarantine_reason as reason_code,
        {{ cx_metrics.row_as_json(column_names, raw_ids) if column_names else "cast(null as " ~ dbt.type_string() ~ ")" }} as raw_row,
        _loaded_at
    from base
    where _quarantine_reason is not null and not _is_superseded
)

select * from quarantined
{%- endmacro %}

{#
    A quarantine model's pre-hook: in a scoped build, delete the rows of the keys
    its base model rebuilt. A scope model already lists every spelling in raw of
    those keys (`raw_<key>`, the new rows' included): the deletion reads it, not
    the base table.
#}
{% macro delete_quarantined_keys(base_model, key_column, scope_model=none) -%}
    {%- if cx_metrics.is_scoped() -%}
        delete from {{ this }}
        where record_key in (
            {%- if scope_model is not none %}
            select scope.raw_{{ key_column }} from {{ ref(scope_model) }} as scope
            {%- else %}
            select cast({{ cx_metrics.raw_id(key_column, 'rebuilt') }} as {{ dbt.type_string() }})
            from {{ ref(base_model) }} as rebuilt
            where {{ cx_metrics.staged_this_build() }}
            {%- endif %}
        )
    {%- else -%}
        {{ cx_metrics.delete_when_unscoped() }}
    {%- endif -%}
{%- endmacro %}
