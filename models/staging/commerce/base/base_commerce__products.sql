{{ cx_metrics.base_model_config('commerce', 'products', 'product_id') }}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('commerce', 'products', 'product_id'), 'product_id', '_loaded_at desc',
        source_table=('commerce', 'products')
    ) }}
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('product_id') }} then 'missing_key'
            when unit_price < 0 then 'negative_amount'
        end as _quarantine_reason
    from source
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('products') }}
