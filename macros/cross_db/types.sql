{#
    Contract types. Model contracts (`data_type:` in YAML) and seed
    `column_types` are written once, with DuckDB's names: varchar, double,
    bigint, integer, boolean, date, timestamp, decimal(p,s). data_type(name)
    translates such a name for the target engine; the two dbt hooks below
    apply it where dbt puts a declared type into SQL (the contract check's
    `cast(null as <type>)` and Postgres's contract DDL), so no YAML file needs
    per-engine types.
#}
{% macro data_type(name) -%}
    {{ return(adapter.dispatch('data_type', 'cx_metrics')(name)) }}
{%- endmacro %}

{% macro default__data_type(name) -%}
    {{ return(name) }}
{%- endmacro %}

{% macro postgres__data_type(name) -%}
    {%- set key = (name | string).strip().lower() -%}
    {{ return({'double': 'double precision', 'string': 'text'}.get(key, name)) }}
{%- endmacro %}

{% macro spark__data_type(name) -%}
    {%- set key = (name | string).strip().lower() -%}
    {{ return({'varchar': 'string', 'text': 'string', 'double precision': 'double'}.get(key, name)) }}
{%- endmacro %}

{# dbt.cast, which the contract check uses: translate the declared type first. #}
{% macro postgres__cast(field, type) -%}
    cast({{ field }} as {{ cx_metrics.data_type(type) }})
{%- endmacro %}

{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ cx_metrics.data_type(type) }})
{%- endmacro %}

{# Postgres builds a contracted table from a column list: translate its types. #}
{% macro postgres__get_table_columns_and_constraints() -%}
    {%- set columns = {} -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set translated = dict(column) -%}
        {%- if column.get('data_type') -%}
            {%- do translated.update({'data_type': cx_metrics.data_type(column['data_type'])}) -%}
        {%- endif -%}
        {%- do columns.update({name: translated}) -%}
    {%- endfor -%}
    {%- set column_ddl = adapter.render_raw_columns_constraints(raw_columns=columns) -%}
    {%- set model_ddl = adapter.render_raw_model_constraints(raw_constraints=model['constraints']) -%}
    ({{ (column_ddl + model_ddl) | join(', ') }})
{%- endmacro %}
