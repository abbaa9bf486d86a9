{#-
    Is a long interaction worth it afterwards? For each category, customers
    whose contact lasted long_interaction_minutes or more beside those whose
    contacts were short, over every month of mart_customer_value_monthly:
    revenue in the value window before and after the contact and retention.
    Long and short are compared within a category only (a long call is often
    a hard problem); descriptive, not causal.
-#}
with

value_monthly as (
    select * from {{ ref('mart_customer_value_monthly') }}
),

by_cohort as (
    select
        category,
        cohort,
        sum(customers) as customers,
        sum(revenue_before_avg * customers) as revenue_before,
        sum(revenue_after_avg * customers) as revenue_after,
        sum(retention_rate * customers) as retained_customers
    from value_monthly
    where cohort in ('long_contact', 'short_contact')
    group by category, cohort
)

select
    category,
    cohort,
    customers,
    {{ cx_metrics.safe_divide('revenue_before', 'customers') }} as revenue_before_avg,
    {{ cx_metrics.safe_divide('revenue_after', 'customers') }} as revenue_after_avg,
    {{ cx_metrics.safe_divide('revenue_after - revenue_before', 'customers') }} as revenue_change_avg,
    {{ cx_metrics.safe_divide('retained_customers', 'customers') }} as retention_rate
from by_cohort
order by category, cohort
