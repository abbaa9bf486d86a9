{#-
    Value after contact per reporting-timezone month, category and cohort
    (long_contact, short_contact, no_contact with category none): the mean
    revenue in value_window_days before and after the anchor and the
    retention rate. Only anchors whose after-window closed by as_of count.
-#}
with

windows as (
    select * from {{ ref('input_customer_value_windows') }}
),

aggregated as (
    select
        month,
        category,
        cohort,
        count(*) as customers,
        sum(revenue_before) as revenue_before_total,
        sum(revenue_after) as revenue_after_total,
        {{ cx_metrics.count_if('has_prior_order') }} as customers_with_prior_order,
        {{ cx_metrics.count_if('is_retained') }} as retained_customers
    from windows
    where anchor_scope = 'category_cohort' and is_window_closed
    group by month, category, cohort
)

select
    month,
    cast(category as {{ dbt.type_string() }}) as category,
    cast(cohort as {{ dbt.type_string() }}) as cohort,
    cast(customers as {{ dbt.type_bigint() }}) as customers,
    cast({{ cx_metrics.safe_divide('revenue_before_total', 'customers') }} as {{ cx_metrics.type_double() }})
        as revenue_before_avg,
    cast({{ cx_metrics.safe_divide('revenue_after_total', 'customers') }} as {{ cx_metrics.type_double() }})
        as revenue_after_avg,
    cast(
        {{ cx_metrics.safe_divide('retained_customers', 'customers_with_prior_order') }}
        as {{ cx_metrics.type_double() }}
    ) as retention_rate
from aggregated
