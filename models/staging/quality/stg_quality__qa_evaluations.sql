with

base as (
    {{ cx_metrics.clean_rows('base_quality__qa_evaluations') }}
),

renamed as (
    select
        ---------- ids
        evaluation_id__staged as evaluation_id,
        agent_id__staged as agent_id,
        call_id__staged as call_id,
        ticket_id__staged as ticket_id,
        ---------- timestamps (UTC)
        cast(evaluated_at as {{ dbt.type_timestamp() }}) as evaluated_at,
        ---------- measures
        cast(empathy_score as {{ dbt.type_int() }}) as empathy_score,
        compliance_passed as is_compliance_passed,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
