with

base as (
    {{ cx_metrics.clean_rows('base_commerce__orders') }}
),

renamed as (
    select
        ---------- ids
        order_id__staged as order_id,
        customer_id__staged as customer_id,
        product_id__staged as product_id,
        ---------- timestamps (UTC)
        cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        ---------- measures
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(coalesce(amount, 0) as {{ dbt.type_numeric() }}) as amount,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
