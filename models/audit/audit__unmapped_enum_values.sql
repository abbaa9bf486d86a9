{#-
    Every raw enum spelling that the seed `enum_mappings` does not know, with
    how many rows carry it. Staging keeps those rows and maps the value to
    `other`; this report (and its warn-level test) says which spellings to add
    to the seed. An absent source (macros/sources/source_present.sql) reports nothing.
    The columns come from the macro enum_columns() (macros/staging/enums.sql).
-#}

{%- set enum_columns = cx_metrics.enum_columns() -%}

with

mappings as (
    select * from {{ ref('enum_mappings') }}
),

{% for source_name, table_name, column_name, enum_name in enum_columns %}
{{ table_name }}__{{ column_name }} as (
    select
        '{{ table_name }}' as source_table,
        '{{ column_name }}' as column_name,
        '{{ enum_name }}' as enum_name,
        raw_table.{{ column_name }} as raw_value,
        count(*) as row_count
    from {{ source(source_name, table_name) }} as raw_table
    left join mappings
        on
            mappings.enum_name = '{{ enum_name }}'
            and {{ cx_metrics.enum_key('raw_table.' ~ column_name) }} = mappings.raw_value
    where
        raw_table.{{ column_name }} is not null and mappings.raw_value is null
        and {{ cx_metrics.keep_when_present(table_name) }}
    group by raw_table.{{ column_name }}
),

{% endfor %}

unioned as (
    {% for source_name, table_name, column_name, enum_name in enum_columns %}
    select * from {{ table_name }}__{{ column_name }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        source_table,
        column_name,
        enum_name,
        raw_value,
        cast(row_count as {{ dbt.type_bigint() }}) as row_count
    from unioned
)

select * from final
