with

base as (
    {{ cx_metrics.clean_rows('base_social__social_mentions') }}
),

renamed as (
    select
        ---------- ids
        mention_id__staged as mention_id,
        customer_id__staged as customer_id,
        ---------- attributes
        lower(trim(platform)) as platform,
        sentiment__normalised as sentiment,
        coalesce(is_recommendation, false) as is_recommendation,
        ---------- timestamps (UTC)
        cast(posted_at as {{ dbt.type_timestamp() }}) as posted_at,
        ---------- lineage
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
        _staged_by_build
    from base
)

select * from renamed
