{{ config(materialized='table') }}

with

source as (
    {{ cx_metrics.ranked_copies(source('workforce', 'agents'), 'agent_id', '_loaded_at desc') }}
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.is_blank('agent_id') }} then 'missing_key'
            when hourly_cost < 0 then 'negative_amount'
        end as _quarantine_reason
    from source
)

select * from checked
