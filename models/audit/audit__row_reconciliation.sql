{#-
    raw rows = staged rows + quarantined rows + superseded duplicates, per table.
    Nothing is dropped silently: a difference fails the test in _audit__models.yml.
    An absent source (macros/sources/source_present.sql) reads no raw rows: is_present
    false, every count 0.
-#}

{%- set tables = cx_metrics.contract_tables() -%}

with

{% for table_name, source_name in tables.items() %}
{{ table_name }}_counts as (
    select
        '{{ table_name }}' as source_table,
        {{ cx_metrics.keep_when_present(table_name) }} as is_present,
        (
            select count(*) from {{ source(source_name, table_name) }}
            where {{ cx_metrics.keep_when_present(table_name) }}
        ) as raw_rows,
        (select count(*) from {{ ref('stg_' ~ source_name ~ '__' ~ table_name) }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_' ~ source_name ~ '__' ~ table_name) }}) as quarantined_rows,
        (
            select count(*) from {{ ref('base_' ~ source_name ~ '__' ~ table_name) }}
            where _is_superseded
        ) as superseded_rows
),

{% endfor %}

unioned as (
    {% for table_name in tables %}
    select * from {{ table_name }}_counts
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        source_table,
        is_present,
        cast(raw_rows as {{ dbt.type_bigint() }}) as raw_rows,
        cast(staged_rows as {{ dbt.type_bigint() }}) as staged_rows,
        cast(quarantined_rows as {{ dbt.type_bigint() }}) as quarantined_rows,
        cast(superseded_rows as {{ dbt.type_bigint() }}) as superseded_rows
    from unioned
)

select * from final
