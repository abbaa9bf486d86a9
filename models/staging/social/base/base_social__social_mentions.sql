{{ cx_metrics.base_model_config('social', 'social_mentions', 'mention_id') }}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('social', 'social_mentions', 'mention_id'), 'mention_id', '_loaded_at desc',
        source_table=('social', 'social_mentions')
    ) }}
),

sentiment_map as (
    {{ cx_metrics.enum_map('sentiment') }}
),

normalised as (
    select
        source.*,
        {{ cx_metrics.enum_value('sentiment_map', 'source.sentiment') }} as sentiment__normalised
    from source
    left join sentiment_map
        on {{ cx_metrics.enum_key('source.sentiment') }} = sentiment_map.raw_value
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('mention_id') }} then 'missing_key'
        end as _quarantine_reason
    from normalised
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('social_mentions') }}
