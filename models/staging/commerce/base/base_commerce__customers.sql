{{ cx_metrics.base_model_config('commerce', 'customers', 'customer_id') }}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('commerce', 'customers', 'customer_id'), 'customer_id', '_loaded_at desc',
        source_table=('commerce', 'customers')
    ) }}
),

segment_map as (
    {{ cx_metrics.enum_map('segment') }}
),

normalised as (
    select
        source.*,
        {{ cx_metrics.enum_value('segment_map', 'source.segment') }} as segment__normalised
    from source
    left join segment_map
        on {{ cx_metrics.enum_key('source.segment') }} = segment_map.raw_value
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('customer_id') }} then 'missing_key'
        end as _quarantine_reason
    from normalised
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('customers') }}
