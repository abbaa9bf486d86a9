{#
    to_reporting_tz(ts): a UTC timestamp (without time zone) as wall-clock time
    in var('reporting_timezone') (without time zone), DST included. Day, week
    and month buckets are taken from it.
#}
{% macro to_reporting_tz(ts, timezone=none) -%}
    {{ return(adapter.dispatch('to_reporting_tz', 'cx_metrics')(ts, timezone or var('reporting_timezone'))) }}
{%- endmacro %}

{% macro default__to_reporting_tz(ts, timezone) -%}
    (({{ ts }}) at time zone 'UTC') at time zone '{{ timezone }}'
{%- endmacro %}

{% macro duckdb__to_reporting_tz(ts, timezone) -%}
    {%- if timezone | upper == 'UTC' -%}
        ({{ ts }})
    {%- else -%}
        (({{ ts }}) at time zone 'UTC') at time zone '{{ timezone }}'
    {%- endif -%}
{%- endmacro %}

{# Spark: timestamps are instants shown in the session time zone (UTC in our profiles). #}
{% macro spark__to_reporting_tz(ts, timezone) -%}
    {%- if timezone | upper == 'UTC' -%}
        ({{ ts }})
    {%- else -%}
        from_utc_timestamp({{ ts }}, '{{ timezone }}')
    {%- endif -%}
{%- endmacro %}

{# The reporting-timezone calendar date of a UTC timestamp. #}
{% macro reporting_date(ts, timezone=none) -%}
    cast({{ cx_metrics.to_reporting_tz(ts, timezone) }} as date)
{%- endmacro %}
