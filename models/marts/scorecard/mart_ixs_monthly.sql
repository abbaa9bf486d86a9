{#-
    The Integral Experience Score per month: sum of the components'
    contributions, i.e. sum(weight x score) / sum(weight) over the components
    with a value that month. Components without a value are listed in
    components_missing, never counted as 0; with none present the IXS is null.
-#}
with

components as (
    select * from {{ ref('mart_ixs_components_monthly') }}
),

aggregated as (
    select
        month,
        sum(contribution) as ixs,
        count(value) as components_used,
        {{ cx_metrics.string_agg_sorted('case when value is null then metric end', ', ') }} as components_missing
    from components
    group by month
)

select
    month,
    cast(ixs as {{ cx_metrics.type_double() }}) as ixs,
    cast(components_used as {{ dbt.type_bigint() }}) as components_used,
    cast(components_missing as {{ dbt.type_string() }}) as components_missing
from aggregated
