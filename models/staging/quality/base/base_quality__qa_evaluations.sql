{{ config(materialized='table') }}

with

source as (
    select * from {{ source('quality', 'qa_evaluations') }}
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by source.evaluation_id
            order by source._loaded_at desc
        ) as _row_rank
    from source
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.is_blank('evaluation_id') }} then 'missing_key'
            when empathy_score < 1 or empathy_score > 5 then 'score_out_of_scale'
        end as _quarantine_reason,
        coalesce(not {{ cx_metrics.is_blank('evaluation_id') }} and _row_rank > 1, false) as _is_superseded
    from ranked
)

select * from checked
