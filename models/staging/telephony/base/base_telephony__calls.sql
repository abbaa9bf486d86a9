{{ cx_metrics.base_model_config('telephony', 'calls', 'call_id') }}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('telephony', 'calls', 'call_id'), 'call_id', '_loaded_at desc',
        source_table=('telephony', 'calls')
    ) }}
),

direction_map as (
    {{ cx_metrics.enum_map('direction') }}
),

disposition_map as (
    {{ cx_metrics.enum_map('disposition') }}
),

normalised as (
    select
        source.*,
        {{ cx_metrics.enum_value('direction_map', 'source.direction') }} as direction__normalised,
        {{ cx_metrics.enum_value('disposition_map', 'source.disposition') }} as disposition__normalised
    from source
    left join direction_map
        on {{ cx_metrics.enum_key('source.direction') }} = direction_map.raw_value
    left join disposition_map
        on {{ cx_metrics.enum_key('source.disposition') }} = disposition_map.raw_value
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('call_id') }} then 'missing_key'
            when talk_seconds < 0 or hold_seconds < 0 or acw_seconds < 0 then 'negative_duration'
            when ended_at < queued_at then 'ended_before_queued'
            when answered_at < queued_at or answered_at > ended_at then 'answered_outside_call'
        end as _quarantine_reason
    from normalised
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('calls') }}
