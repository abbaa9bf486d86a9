{{ cx_metrics.base_model_config('workforce', 'agents', 'agent_id') }}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('workforce', 'agents', 'agent_id'), 'agent_id', '_loaded_at desc',
        source_table=('workforce', 'agents')
    ) }}
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('agent_id') }} then 'missing_key'
            when hourly_cost < 0 then 'negative_amount'
        end as _quarantine_reason
    from source
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('agents') }}
