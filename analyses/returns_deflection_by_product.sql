{#-
    The benefit and cost of deflecting no-fault returns, by product: the
    estimate of mart_returns_deflection_monthly (orders whose customer had a
    handled contact within return_window_days return no-fault less often)
    taken per product over every order whose window has closed. Orders and
    returns have no mart of their own, so they are read from staging as that
    mart reads them.
        deflected = (no-fault rate without contact - rate with contact)
                    x orders with contact
        benefit   = deflected x the product's mean no-fault refund
        cost      = work cost (handle time x agent hourly cost) of the handled
                    contacts in those windows
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

agents as (
    select * from {{ ref('dim_agents') }}
),

products as (
    select * from {{ ref('dim_products') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

matured_orders as (
    select
        orders.order_id,
        orders.customer_id,
        orders.product_id,
        orders.ordered_at
    from orders
    cross join as_of
    where {{ cx_metrics.return_window_closed('orders.ordered_at', 'as_of.as_of') }}
),

no_fault_returns as (
    select
        returns.order_id,
        returns.refund_amount
    from returns
    cross join as_of
    where returns.is_no_fault and returns.returned_at <= as_of.as_of
),

window_contacts as (
    select
        matured_orders.order_id,
        contacts.contact_id,
        contacts.handle_seconds / 3600.0 * coalesce(agents.hourly_cost, 0) as work_cost
    from matured_orders
    inner join contacts
        on
            matured_orders.customer_id = contacts.customer_id
            and {{ cx_metrics.in_return_window('matured_orders.ordered_at', 'contacts.started_at') }}
    left join agents
        on contacts.agent_id = agents.agent_id
    where contacts.is_handled
),

contacted_orders as (
    select distinct order_id
    from window_contacts
),

no_fault_orders as (
    select distinct order_id
    from no_fault_returns
),

order_flags as (
    select
        matured_orders.product_id,
        contacted_orders.order_id is not null as has_contact,
        no_fault_orders.order_id is not null as is_no_fault_returned
    from matured_orders
    left join contacted_orders
        on matured_orders.order_id = contacted_orders.order_id
    left join no_fault_orders
        on matured_orders.order_id = no_fault_orders.order_id
),

product_refunds as (
    select
        matured_orders.product_id,
        avg(cast(no_fault_returns.refund_amount as {{ cx_metrics.type_double() }})) as no_fault_refund_avg
    from no_fault_returns
    inner join matured_orders
        on no_fault_returns.order_id = matured_orders.order_id
    group by matured_orders.product_id
),

product_orders as (
    select
        product_id,
        count(*) as orders,
        {{ cx_metrics.count_if('has_contact') }} as orders_with_contact,
        {{ cx_metrics.count_if('has_contact and is_no_fault_returned') }} as no_fault_with_contact,
        {{ cx_metrics.count_if('not has_contact') }} as orders_without_contact,
        {{ cx_metrics.count_if('not has_contact and is_no_fault_returned') }} as no_fault_without_contact
    from order_flags
    group by product_id
),

product_contacts as (
    select distinct
        matured_orders.product_id,
        window_contacts.contact_id,
        window_contacts.work_cost
    from window_contacts
    inner join matured_orders
        on window_contacts.order_id = matured_orders.order_id
),

product_costs as (
    select
        product_id,
        sum(work_cost) as work_cost
    from product_contacts
    group by product_id
),

rated as (
    select
        product_orders.product_id,
        product_orders.orders,
        product_orders.orders_with_contact,
        {{ cx_metrics.safe_divide('product_orders.no_fault_with_contact', 'product_orders.orders_with_contact') }}
            as no_fault_rate_with_contact,
        {{ cx_metrics.safe_divide('product_orders.no_fault_without_contact', 'product_orders.orders_without_contact') }}
            as no_fault_rate_without_contact,
        product_refunds.no_fault_refund_avg,
        coalesce(product_costs.work_cost, 0) as work_cost
    from product_orders
    left join product_refunds
        on product_orders.product_id = product_refunds.product_id
    left join product_costs
        on product_orders.product_id = product_costs.product_id
),

estimated as (
    select
        *,
        (no_fault_rate_without_contact - no_fault_rate_with_contact) * orders_with_contact as deflected_returns_est
    from rated
)

select
    estimated.product_id,
    products.product_name,
    products.product_category,
    estimated.orders,
    estimated.orders_with_contact,
    estimated.no_fault_rate_with_contact,
    estimated.no_fault_rate_without_contact,
    estimated.deflected_returns_est,
    estimated.deflected_returns_est * estimated.no_fault_refund_avg as deflection_benefit,
    estimated.work_cost,
    {{ cx_metrics.safe_divide(
        'estimated.deflected_returns_est * estimated.no_fault_refund_avg', 'estimated.work_cost'
    ) }} as benefit_cost_ratio
from estimated
left join products
    on estimated.product_id = products.product_id
order by deflection_benefit desc nulls last, estimated.product_id asc
