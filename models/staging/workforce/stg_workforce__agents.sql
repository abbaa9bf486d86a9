with

base as (
    {{ cx_metrics.clean_rows('base_workforce__agents') }}
),

renamed as (
    select
        ---------- ids
        agent_id__staged as agent_id,
        ---------- attributes
        agent_name,
        lower(trim(team)) as team,
        trim(site) as site,
        cast(hired_at as date) as hired_on,
        cast(terminated_at as date) as terminated_on,
        ---------- measures
        cast(coalesce(hourly_cost, 0) as {{ dbt.type_numeric() }}) as hourly_cost,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
