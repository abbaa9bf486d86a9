{#-
    Why the IXS moved last month: each component's value, score and
    contribution (weight x score) in the latest month with an IXS beside the
    month before, largest moves first. The contributions' changes add up to
    the change of the IXS when both months have every component (see
    mart_ixs_monthly.components_missing).
-#}
with

components as (
    select * from {{ ref('mart_ixs_components_monthly') }}
),

ixs_monthly as (
    select * from {{ ref('mart_ixs_monthly') }}
),

last_month as (
    select max(month) as month
    from ixs_monthly
    where ixs is not null
),

latest as (
    select components.*
    from components
    inner join last_month
        on components.month = last_month.month
),

previous as (
    select components.*
    from components
    inner join last_month
        on components.month = {{ dbt.dateadd('month', -1, 'last_month.month') }}
)

select
    latest.month,
    latest.metric,
    latest.weight,
    previous.value as value_before,
    latest.value,
    previous.score as score_before,
    latest.score,
    previous.contribution as contribution_before,
    latest.contribution,
    latest.contribution - previous.contribution as contribution_change
from latest
left join previous
    on latest.metric = previous.metric
order by abs(coalesce(latest.contribution - previous.contribution, 0)) desc, latest.metric
