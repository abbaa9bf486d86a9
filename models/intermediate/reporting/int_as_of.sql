{#-
    The instant the build reports up to: var('as_of') when set, else the latest
    business timestamp in the clean staged data (never the wall clock, never
    _loaded_at), so two builds of the same data give the same numbers. Only
    present sources count: an absent one (macros/sources/source_present.sql)
    has no staged rows, so its max() is null and drops out. The timestamps are
    the macro as_of_timestamps() (macros/sources/as_of_timestamps.sql).
-#}
{%- set as_of_override = 'cast(null as ' ~ dbt.type_timestamp() ~ ')' %}
{%- if var('as_of') is not none %}
{%- set as_of_override = "cast('" ~ var('as_of') ~ "' as " ~ dbt.type_timestamp() ~ ")" %}
{%- endif %}
{%- set sources = cx_metrics.contract_tables() %}
{%- set timestamps = cx_metrics.as_of_timestamps() %}
{%- set staged_tables = [] %}
{%- for table_name, column_name in timestamps %}
{%- if table_name not in staged_tables %}{% do staged_tables.append(table_name) %}{% endif %}
{%- endfor %}

with
{% for table_name in staged_tables %}
{{ table_name }} as (
    select * from {{ ref('stg_' ~ sources[table_name] ~ '__' ~ table_name) }}
),
{% endfor %}
business_timestamps as (
    {%- for table_name, column_name in timestamps %}
    select max({{ table_name }}.{{ column_name }}) as latest_at from {{ table_name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

latest as (
    select max(business_timestamps.latest_at) as latest_at
    from business_timestamps
),

resolved as (
    select
        coalesce({{ as_of_override }}, latest.latest_at) as as_of,
        case
            when {{ as_of_override }} is null then 'latest_business_timestamp'
            else 'var'
        end as as_of_source
    from latest
)

select
    as_of,
    as_of_source
from resolved
