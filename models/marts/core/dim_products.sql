{#- One row per product sold. -#}
with

products as (
    select * from {{ ref('stg_commerce__products') }}
)

select
    cast(product_id as {{ dbt.type_string() }}) as product_id,
    cast(product_name as {{ dbt.type_string() }}) as product_name,
    cast(product_category as {{ dbt.type_string() }}) as product_category,
    cast(unit_price as {{ cx_metrics.type_double() }}) as unit_price,
    launched_on
from products
