{#-
    Social promoter score per reporting-timezone month (of posted_at) and
    platform: among mentions flagged as recommendations,
    100 x (positive - negative) / those mentions.
-#}
with

mentions as (
    select * from {{ ref('stg_social__social_mentions') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

dated as (
    select
        cast({{ dbt.date_trunc('month', cx_metrics.reporting_date('mentions.posted_at')) }} as date) as month,
        coalesce(mentions.platform, 'unknown') as platform,
        mentions.sentiment,
        mentions.is_recommendation
    from mentions
    where mentions.posted_at <= (select as_of.as_of from as_of)
),

aggregated as (
    select
        month,
        platform,
        count(*) as mentions,
        {{ cx_metrics.count_if('is_recommendation') }} as recommendation_mentions,
        {{ cx_metrics.count_if("is_recommendation and sentiment = 'positive'") }} as positive_recommendations,
        {{ cx_metrics.count_if("is_recommendation and sentiment = 'negative'") }} as negative_recommendations
    from dated
    group by month, platform
)

select
    month,
    cast(platform as {{ dbt.type_string() }}) as platform,
    cast(mentions as {{ dbt.type_bigint() }}) as mentions,
    cast(recommendation_mentions as {{ dbt.type_bigint() }}) as recommendation_mentions,
    cast(
        {{ cx_metrics.safe_divide(
            '100 * (positive_recommendations - negative_recommendations)', 'recommendation_mentions'
        ) }}
        as {{ cx_metrics.type_double() }}
    ) as sps
from aggregated
