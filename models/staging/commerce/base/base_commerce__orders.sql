{{ config(materialized='table') }}

with

source as (
    select * from {{ source('commerce', 'orders') }}
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by source.order_id
            order by source._loaded_at desc
        ) as _row_rank
    from source
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.is_blank('order_id') }} or ordered_at is null then 'missing_key'
            when quantity is null or quantity < 1 then 'non_positive_quantity'
            when amount < 0 then 'negative_amount'
        end as _quarantine_reason,
        coalesce(not {{ cx_metrics.is_blank('order_id') }} and _row_rank > 1, false) as _is_superseded
    from ranked
)

select * from checked
