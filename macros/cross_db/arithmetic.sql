{# A double-precision type (dbt.type_float() is 4-byte REAL on DuckDB). #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'cx_metrics')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#
    seconds_between(start, end): exact elapsed seconds (fractional, double),
    end - start. dbt.datediff counts boundaries crossed, which is not elapsed
    time, so waits and durations use this.
#}
{% macro seconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('seconds_between', 'cx_metrics')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__seconds_between(start_ts, end_ts) -%}
    cast(extract(epoch from (({{ end_ts }}) - ({{ start_ts }}))) as {{ cx_metrics.type_double() }})
{%- endmacro %}

{# Differences of whole microseconds, exact; epoch() is a double and loses them. #}
{% macro duckdb__seconds_between(start_ts, end_ts) -%}
    (cast(epoch_us({{ end_ts }}) - epoch_us({{ start_ts }}) as double) / 1000000)
{%- endmacro %}

{# Spark: microseconds since the epoch (exact), then seconds with their fraction. #}
{% macro spark__seconds_between(start_ts, end_ts) -%}
    (cast(unix_micros({{ end_ts }}) - unix_micros({{ start_ts }}) as double) / 1000000)
{%- endmacro %}

{#
    safe_divide(numerator, denominator): a double; null when the denominator
    is zero or null (a rate with nothing to divide by is unknown, not 0).
    Always use it (or cast to type_double) to divide integers: Postgres
    truncates integer / integer.
#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ cx_metrics.type_double() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}
