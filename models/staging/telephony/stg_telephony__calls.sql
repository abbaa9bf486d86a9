with

base as (
    {{ cx_metrics.clean_rows('base_telephony__calls') }}
),

renamed as (
    select
        ---------- ids
        call_id__staged as call_id,
        parent_call_id__staged as parent_call_id,
        customer_id__staged as customer_id,
        ticket_id__staged as ticket_id,
        agent_id__staged as agent_id,
        ---------- attributes
        direction__normalised as direction,
        lower(trim(queue)) as queue,
        disposition__normalised as disposition,
        coalesce(transferred, false) as is_transferred,
        ---------- timestamps (UTC)
        cast(queued_at as {{ dbt.type_timestamp() }}) as queued_at,
        cast(answered_at as {{ dbt.type_timestamp() }}) as answered_at,
        cast(ended_at as {{ dbt.type_timestamp() }}) as ended_at,
        ---------- measures
        cast(coalesce(talk_seconds, 0) as {{ dbt.type_bigint() }}) as talk_seconds,
        cast(coalesce(hold_seconds, 0) as {{ dbt.type_bigint() }}) as hold_seconds,
        cast(coalesce(acw_seconds, 0) as {{ dbt.type_bigint() }}) as acw_seconds,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
