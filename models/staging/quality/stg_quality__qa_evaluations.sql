with

base as (
    {{ cx_metrics.clean_rows('base_quality__qa_evaluations') }}
),

renamed as (
    select
        ---------- ids
        trim(evaluation_id) as evaluation_id,
        nullif(trim(agent_id), '') as agent_id,
        nullif(trim(call_id), '') as call_id,
        nullif(trim(ticket_id), '') as ticket_id,
        ---------- timestamps (UTC)
        cast(evaluated_at as {{ dbt.type_timestamp() }}) as evaluated_at,
        ---------- measures
        cast(empathy_score as {{ dbt.type_int() }}) as empathy_score,
        compliance_passed as is_compliance_passed,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from base
)

select * from renamed
