{{ cx_metrics.base_model_config('commerce', 'returns', 'return_id') }}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('commerce', 'returns', 'return_id'), 'return_id', '_loaded_at desc',
        source_table=('commerce', 'returns')
    ) }}
),

reason_map as (
    {{ cx_metrics.enum_map('return_reason') }}
),

normalised as (
    select
        source.*,
        {{ cx_metrics.enum_value('reason_map', 'source.reason') }} as reason__normalised
    from source
    left join reason_map
        on {{ cx_metrics.enum_key('source.reason') }} = reason_map.raw_value
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('return_id') }} or returned_at is null then 'missing_key'
            when refund_amount < 0 then 'negative_amount'
        end as _quarantine_reason
    from normalised
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('returns') }}
