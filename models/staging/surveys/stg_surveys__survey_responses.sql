with

base as (
    {{ cx_metrics.clean_rows('base_surveys__survey_responses') }}
),

renamed as (
    select
        ---------- ids
        trim(response_id) as response_id,
        nullif(trim(customer_id), '') as customer_id,
        nullif(trim(ticket_id), '') as ticket_id,
        nullif(trim(call_id), '') as call_id,
        ---------- attributes
        survey_type__normalised as survey_type,
        case
            when nullif(trim(ticket_id), '') is null and nullif(trim(call_id), '') is null
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
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from base
)

select * from renamed
