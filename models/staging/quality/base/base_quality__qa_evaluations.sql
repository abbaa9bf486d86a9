{{ cx_metrics.base_model_config('quality', 'qa_evaluations', 'evaluation_id') }}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('quality', 'qa_evaluations', 'evaluation_id'), 'evaluation_id', '_loaded_at desc',
        source_table=('quality', 'qa_evaluations')
    ) }}
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('evaluation_id') }} then 'missing_key'
            when empathy_score < 1 or empathy_score > 5 then 'score_out_of_scale'
        end as _quarantine_reason
    from source
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('qa_evaluations') }}
