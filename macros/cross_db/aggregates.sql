{# percentile(expr, fraction): continuous (interpolated) percentile, an aggregate. #}
{% macro percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile', 'cx_metrics')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{# count_if(condition): rows where condition is true, as bigint. #}
{% macro count_if(condition) -%}
    sum(case when {{ condition }} then 1 else 0 end)
{%- endmacro %}

{# bool_or(condition): true when any row's condition holds. #}
{% macro bool_or(condition) -%}
    (max(case when {{ condition }} then 1 else 0 end) = 1)
{%- endmacro %}
