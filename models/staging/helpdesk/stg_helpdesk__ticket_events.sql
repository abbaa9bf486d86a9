{{ config(materialized='view') }}

{#- A view of the base table's clean rows: 85 million rows at ten million
    contacts. The base model trims the ids once (`*__staged`), so the three
    models and four data tests that read this view scan only the columns they
    need and write nothing; as a table the log was written twice (issue 15). -#}

with

base as (
    {{ cx_metrics.clean_rows('base_helpdesk__ticket_events') }}
),

renamed as (
    select
        ---------- ids
        event_id__staged as event_id,
        ticket_id__staged as ticket_id,
        agent_id__staged as agent_id,
        ---------- attributes
        event_type__normalised as event_type,
        new_status__normalised as new_status,
        ---------- timestamps (UTC)
        cast(event_at as {{ dbt.type_timestamp() }}) as event_at,
        ticket_created_at,
        ---------- measures
        cast(time_spent_seconds as {{ dbt.type_bigint() }}) as time_spent_seconds,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
