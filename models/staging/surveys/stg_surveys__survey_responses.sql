with

base as (
    {{ cx_metrics.clean_rows('base_surveys__survey_responses') }}
),

renamed as (
    select
        ---------- ids
        response_id__staged as response_id,
        customer_id__staged as customer_id,
        ticket_id__staged as ticket_id,
        call_id__staged as call_id,
        ---------- attributes
        survey_type__normalised as survey_type,
        case
            when ticket_id__staged is null and call_id__staged is null
                then 'relationship'
            else 'transactional'
        end as survey_kind,
        comment,
        ---------- timestamps (UTC)
        cast(sent_at as {{ dbt.type_timestamp() }}) as sent_at,
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        ---------- measures
        cast(score as {{ dbt.type_int() }}) as score,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
