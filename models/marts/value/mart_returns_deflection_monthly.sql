{#-
    Returns deflected by support, an observational estimate (docs/metrics.md: Cost and
    value), per reporting-timezone month of the order. Only orders whose
    return_window_days closed by as_of count. An order "with contact" is one
    whose customer had a handled contact in (ordered_at, ordered_at +
    return_window_days]; "no-fault" is an order with a could_not_set_up
    return.
-#}
with

orders as (
    select * from {{ ref('stg_commerce__orders') }}
),

returns as (
    select * from {{ ref('stg_commerce__returns') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

value_windows as (
    select * from {{ ref('input_customer_value_windows') }}
),

agent_daily as (
    select * from {{ ref('mart_agent_daily') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

matured_orders as (
    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_at,
        cast({{ dbt.date_trunc('month', cx_metrics.reporting_date('orders.ordered_at')) }} as date) as month
    from orders
    where {{ cx_metrics.return_window_closed('orders.ordered_at', '(select as_of.as_of from as_of)') }}
),

no_fault_returns as (
    select
        returns.order_id,
        returns.refund_amount
    from returns
    where returns.is_no_fault and returns.returned_at <= (select as_of.as_of from as_of)
),

no_fault_orders as (
    select distinct order_id
    from no_fault_returns
),

mean_refund as (
    select avg(cast(refund_amount as {{ cx_metrics.type_double() }})) as no_fault_refund_avg
    from no_fault_returns
),

contacted_orders as (
    select distinct matured_orders.order_id
    from matured_orders
    inner join contacts
        on
            matured_orders.customer_id = contacts.customer_id
            and {{ cx_metrics.in_return_window('matured_orders.ordered_at', 'contacts.started_at') }}
    where contacts.is_handled
),

order_flags as (
    select
        matured_orders.month,
        contacted_orders.order_id is not null as has_contact,
        no_fault_orders.order_id is not null as is_no_fault_returned
    from matured_orders
    left join contacted_orders
        on matured_orders.order_id = contacted_orders.order_id
    left join no_fault_orders
        on matured_orders.order_id = no_fault_orders.order_id
),

order_months as (
    select
        month,
        count(*) as orders,
        {{ cx_metrics.count_if('has_contact') }} as orders_with_contact,
        {{ cx_metrics.count_if('has_contact and is_no_fault_returned') }} as no_fault_with_contact,
        {{ cx_metrics.count_if('not has_contact') }} as orders_without_contact,
        {{ cx_metrics.count_if('not has_contact and is_no_fault_returned') }} as no_fault_without_contact
    from order_flags
    group by month
),

retained_months as (
    select
        month,
        sum(case when is_retained then revenue_after else 0 end) as retained_revenue
    from value_windows
    where anchor_scope = 'contacted_customer' and is_window_closed
    group by month
),

cost_months as (
    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month,
        sum(work_cost) as work_cost
    from agent_daily
    group by cast({{ dbt.date_trunc('month', 'date_day') }} as date)
),

rated as (
    select
        order_months.month,
        order_months.orders,
        order_months.orders_with_contact,
        {{ cx_metrics.safe_divide('order_months.no_fault_with_contact', 'order_months.orders_with_contact') }}
            as no_fault_rate_with_contact,
        {{ cx_metrics.safe_divide('order_months.no_fault_without_contact', 'order_months.orders_without_contact') }}
            as no_fault_rate_without_contact,
        (select mean_refund.no_fault_refund_avg from mean_refund) as no_fault_refund_avg,
        retained_months.retained_revenue,
        cost_months.work_cost
    from order_months
    left join retained_months
        on order_months.month = retained_months.month
    left join cost_months
        on order_months.month = cost_months.month
),

estimated as (
    select
        *,
        (no_fault_rate_without_contact - no_fault_rate_with_contact) * orders_with_contact as deflected_returns_est
    from rated
),

valued as (
    select
        *,
        deflected_returns_est * coalesce(no_fault_refund_avg, 0) as deflection_benefit
    from estimated
)

select
    month,
    cast(orders as {{ dbt.type_bigint() }}) as orders,
    cast(orders_with_contact as {{ dbt.type_bigint() }}) as orders_with_contact,
    cast(no_fault_rate_with_contact as {{ cx_metrics.type_double() }}) as no_fault_rate_with_contact,
    cast(no_fault_rate_without_contact as {{ cx_metrics.type_double() }}) as no_fault_rate_without_contact,
    cast(deflected_returns_est as {{ cx_metrics.type_double() }}) as deflected_returns_est,
    cast(deflection_benefit as {{ cx_metrics.type_double() }}) as deflection_benefit,
    cast(retained_revenue as {{ cx_metrics.type_double() }}) as retained_revenue,
    cast(work_cost as {{ cx_metrics.type_double() }}) as work_cost,
    cast(
        {{ cx_metrics.safe_divide('deflection_benefit + retained_revenue', 'work_cost') }}
        as {{ cx_metrics.type_double() }}
    ) as benefit_cost_ratio
from valued
