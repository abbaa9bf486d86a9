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

{# Spark's percentile() is the exact, interpolated one (percentile_approx is not). #}
{% macro spark__percentile(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}

{# count_if(condition): rows where condition is true, as bigint. #}
{% macro count_if(condition) -%}
    sum(case when {{ condition }} then 1 else 0 end)
{%- endmacro %}

{# bool_or(condition): true when any row's condition holds. #}
{% macro bool_or(condition) -%}
    (max(case when {{ condition }} then 1 else 0 end) = 1)
{%- endmacro %}

{#
    string_agg_sorted(expr, delimiter): the non-null values joined by delimiter,
    sorted ascending as text (a stable order on every engine); null for none.
#}
{% macro string_agg_sorted(expression, delimiter=', ') -%}
    {{ return(adapter.dispatch('string_agg_sorted', 'cx_metrics')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__string_agg_sorted(expression, delimiter) -%}
    string_agg(
        cast({{ expression }} as {{ dbt.type_string() }}),
        '{{ delimiter }}'
        order by cast({{ expression }} as {{ dbt.type_string() }})
    )
{%- endmacro %}

{% macro spark__string_agg_sorted(expression, delimiter) -%}
    case
        when count({{ expression }}) > 0
            then array_join(array_sort(collect_list(cast({{ expression }} as string))), '{{ delimiter }}')
    end
{%- endmacro %}
