with

base as (
    {{ cx_metrics.clean_rows('base_commerce__products') }}
),

renamed as (
    select
        ---------- ids
        product_id__staged as product_id,
        ---------- attributes
        product_name,
        lower(trim(product_category)) as product_category,
        cast(launched_at as date) as launched_on,
        ---------- measures
        cast(unit_price as {{ dbt.type_numeric() }}) as unit_price,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
