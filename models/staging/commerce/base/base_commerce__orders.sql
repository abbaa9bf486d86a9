{{ cx_metrics.base_model_config('commerce', 'orders', 'order_id') }}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('commerce', 'orders', 'order_id'), 'order_id', '_loaded_at desc',
        source_table=('commerce', 'orders')
    ) }}
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('order_id') }} or ordered_at is null then 'missing_key'
            when quantity is null or quantity < 1 then 'non_positive_quantity'
            when amount < 0 then 'negative_amount'
        end as _quarantine_reason
    from source
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('orders') }}
