{{ cx_metrics.base_model_config('surveys', 'survey_responses', 'response_id') }}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('surveys', 'survey_responses', 'response_id'), 'response_id', '_loaded_at desc',
        source_table=('surveys', 'survey_responses')
    ) }}
),

survey_type_map as (
    {{ cx_metrics.enum_map('survey_type') }}
),

normalised as (
    select
        source.*,
        {{ cx_metrics.enum_value('survey_type_map', 'source.survey_type') }} as survey_type__normalised
    from source
    left join survey_type_map
        on {{ cx_metrics.enum_key('source.survey_type') }} = survey_type_map.raw_value
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('response_id') }} or responded_at is null then 'missing_key'
            when
                score is null
                or (survey_type__normalised = 'nps' and (score < 0 or score > 10))
                or (survey_type__normalised = 'csat' and (score < 1 or score > 5))
                or (survey_type__normalised = 'ces' and (score < 1 or score > 7))
                then 'score_out_of_scale'
            when responded_at < sent_at then 'responded_before_sent'
        end as _quarantine_reason
    from normalised
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('survey_responses') }}
