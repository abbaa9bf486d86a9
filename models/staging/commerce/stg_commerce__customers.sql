with

base as (
    {{ cx_metrics.clean_rows('base_commerce__customers') }}
),

renamed as (
    select
        ---------- ids
        customer_id__staged as customer_id,
        ---------- attributes
        segment__normalised as segment,
        upper(trim(country)) as country,
        ---------- timestamps (UTC)
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
