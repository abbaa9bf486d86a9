{{ config(materialized='table') }}

with

source as (
    select * from {{ source('commerce', 'products') }}
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by source.product_id
            order by source._loaded_at desc
        ) as _row_rank
    from source
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.is_blank('product_id') }} then 'missing_key'
            when unit_price < 0 then 'negative_amount'
        end as _quarantine_reason,
        coalesce(not {{ cx_metrics.is_blank('product_id') }} and _row_rank > 1, false) as _is_superseded
    from ranked
)

select * from checked
