with

base as (
    {{ cx_metrics.clean_rows('base_helpdesk__tickets') }}
),

renamed as (
    select
        ---------- ids
        ticket_id__staged as ticket_id,
        customer_id__staged as customer_id,
        product_id__staged as product_id,
        assignee_agent_id__staged as assignee_agent_id,
        ---------- attributes
        channel__normalised as channel,
        channel as channel_raw,
        coalesce(category__normalised, 'other') as category,
        priority__normalised as priority,
        status__normalised as status,
        ---------- timestamps (UTC)
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(solved_at as {{ dbt.type_timestamp() }}) as solved_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
