{#
    Use a model's custom schema as-is (`staging`, `quarantine`, `marts`, ...)
    instead of dbt's default `<target_schema>_<custom>`, so BI tools and the
    docs see the same stable schema names on every target. Models without a
    custom schema land in the target's schema.

    The var `cx_schema_suffix` (empty by default) is appended to every schema:
    the guarded build on Postgres builds into shadow schemas (`marts__shadow`)
    and swaps them with the published ones in one transaction (cx_metrics/publish.py).
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}{{ var('cx_schema_suffix', '') }}
    {%- else -%}
        {{ custom_schema_name | trim }}{{ var('cx_schema_suffix', '') }}
    {%- endif -%}
{%- endmacro %}
