{#
    Use a model's custom schema as-is (`staging`, `quarantine`, `marts`, ...)
    instead of dbt's default `<target_schema>_<custom>`, so BI tools and the
    docs see the same stable schema names on every target. Models without a
    custom schema land in the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
