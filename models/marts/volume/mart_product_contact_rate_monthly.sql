{#-
    Contacts per 1,000 units in the installed base, per product and month of
    the reporting range (int_reporting_months). The installed base at a
    month is the units ordered in the var('installed_base_days') days up to
    and including the month's last day: ordered_date in (last_day - N days,
    last_day], also in the month holding as_of (its calendar last day, not
    the day of as_of), counting orders placed up to as_of.
-#}

with

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

products as (
    select * from {{ ref('dim_products') }}
),

orders as (
    select * from {{ ref('stg_commerce__orders') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

months as (
    select
        month_start,
        month_last_day
    from reporting_months
),

dated_orders as (
    select
        orders.product_id,
        {{ cx_metrics.reporting_date('orders.ordered_at') }} as ordered_date,
        orders.quantity
    from orders
    where orders.product_id is not null and orders.ordered_at <= (select as_of.as_of from as_of)
),

daily_units as (
    select
        product_id,
        ordered_date,
        sum(quantity) as units
    from dated_orders
    group by product_id, ordered_date
),

installed_base as (
    select
        months.month_start,
        daily_units.product_id,
        sum(daily_units.units) as units_in_base
    from months
    inner join daily_units
        on
            months.month_last_day >= daily_units.ordered_date
            and cast({{ dbt.dateadd('day', -1 * var('installed_base_days'), 'months.month_last_day') }} as date)
            < daily_units.ordered_date
    group by months.month_start, daily_units.product_id
),

contact_months as (
    select
        cast({{ dbt.date_trunc('month', 'started_date') }} as date) as month_start,
        product_id
    from contacts
    where product_id is not null
),

product_contacts as (
    select
        month_start,
        product_id,
        count(*) as contacts
    from contact_months
    group by month_start, product_id
),

panel as (
    select
        months.month_start,
        products.product_id
    from months
    cross join products
),

joined as (
    select
        panel.month_start,
        panel.product_id,
        {{ cx_metrics.zero_if_present('product_contacts.contacts', ['tickets', 'calls']) }} as contacts,
        {{ cx_metrics.zero_if_present('installed_base.units_in_base', ['orders']) }} as units_in_base
    from panel
    left join product_contacts
        on
            panel.month_start = product_contacts.month_start
            and panel.product_id = product_contacts.product_id
    left join installed_base
        on
            panel.month_start = installed_base.month_start
            and panel.product_id = installed_base.product_id
)

select
    month_start as month,
    cast(product_id as {{ dbt.type_string() }}) as product_id,
    cast(contacts as {{ dbt.type_bigint() }}) as contacts,
    cast(units_in_base as {{ dbt.type_bigint() }}) as units_in_base,
    cast(
        {{ cx_metrics.safe_divide('1000 * contacts', 'units_in_base') }}
        as {{ cx_metrics.type_double() }}
    ) as contacts_per_1000_units
from joined
