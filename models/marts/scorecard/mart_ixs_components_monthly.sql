{#-
    The IXS per month, component by component (docs/ixs.md): the metric's
    value, its score clamp((value - worst) / (best - worst), 0, 1) x 100,
    its configured weight and its contribution weight x score / (sum of the
    weights of the components that have a value that month). Components come
    from var('ixs'), validated at compile time (macros/ixs/ixs.sql).
-#}
{%- set components = cx_metrics.ixs_components() %}

with

metrics as (
    select * from {{ ref('input_scorecard_metrics_monthly') }}
),

component_values as (
    {%- for component in components %}
    select
        metrics.month,
        cast('{{ component.metric }}' as {{ dbt.type_string() }}) as metric,
        cast(metrics.{{ component.metric }} as {{ cx_metrics.type_double() }}) as value, -- noqa: RF04
        cast({{ component.weight }} as {{ cx_metrics.type_double() }}) as weight,
        cast({{ component.worst }} as {{ cx_metrics.type_double() }}) as worst,
        cast({{ component.best }} as {{ cx_metrics.type_double() }}) as best
    from metrics
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

scored as (
    select
        month,
        metric,
        value,
        weight,
        {{ cx_metrics.ixs_score('value', 'worst', 'best') }} as score
    from component_values
),

weighted as (
    select
        *,
        sum(case when value is not null then weight end) over (partition by month) as present_weight
    from scored
)

select
    month,
    metric,
    value,
    score,
    weight,
    cast(
        case when value is not null then weight * score / present_weight end as {{ cx_metrics.type_double() }}
    ) as contribution
from weighted
