with

base as (
    {{ cx_metrics.clean_rows('base_commerce__returns') }}
),

renamed as (
    select
        ---------- ids
        return_id__staged as return_id,
        order_id__staged as order_id,
        ---------- attributes
        coalesce(reason__normalised, 'other') as reason,
        coalesce(reason__normalised = 'could_not_set_up', false) as is_no_fault,
        ---------- timestamps (UTC)
        cast(returned_at as {{ dbt.type_timestamp() }}) as returned_at,
        ---------- measures
        cast(coalesce(refund_amount, 0) as {{ dbt.type_numeric() }}) as refund_amount,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
