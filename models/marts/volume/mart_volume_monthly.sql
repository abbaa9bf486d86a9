{#-
    Contact and ticket volume per month of the reporting range
    (int_reporting_months), against the customer base at month end
    (customers created on or before the month's last day; in the month
    holding as_of, on or before its day).
-#}

with

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

months as (
    select
        month_start,
        last_reported_day
    from reporting_months
),

ticket_months as (
    select cast({{ dbt.date_trunc('month', 'created_date') }} as date) as month_start
    from tickets
),

ticket_counts as (
    select
        month_start,
        count(*) as tickets_created
    from ticket_months
    group by month_start
),

contact_months as (
    select
        cast({{ dbt.date_trunc('month', 'started_date') }} as date) as month_start,
        customer_id
    from contacts
),

contact_counts as (
    select
        month_start,
        count(*) as contacts,
        {{ cx_metrics.count_if('customer_id is not null') }} as contacts_with_customer,
        count(distinct customer_id) as contacting_customers
    from contact_months
    group by month_start
),

customer_base as (
    select
        months.month_start,
        count(customers.customer_id) as customers_at_month_end
    from months
    inner join customers
        on months.last_reported_day >= customers.created_date
    group by months.month_start
),

joined as (
    select
        months.month_start,
        {{ cx_metrics.zero_if_present('ticket_counts.tickets_created', ['tickets']) }} as tickets_created,
        {{ cx_metrics.zero_if_present('contact_counts.contacts', ['tickets', 'calls']) }} as contacts,
        {{ cx_metrics.zero_if_present('contact_counts.contacts_with_customer', ['tickets', 'calls']) }}
            as contacts_with_customer,
        {{ cx_metrics.zero_if_present('contact_counts.contacting_customers', ['tickets', 'calls']) }}
            as contacting_customers,
        -- customer_base has no row for a month before the first customer (inner join)
        {{ cx_metrics.zero_if_present('customer_base.customers_at_month_end', ['customers']) }}
            as customers_at_month_end
    from months
    left join ticket_counts
        on months.month_start = ticket_counts.month_start
    left join contact_counts
        on months.month_start = contact_counts.month_start
    left join customer_base
        on months.month_start = customer_base.month_start
)

select
    month_start as month,
    cast(tickets_created as {{ dbt.type_bigint() }}) as tickets_created,
    cast(contacts as {{ dbt.type_bigint() }}) as contacts,
    cast(customers_at_month_end as {{ dbt.type_bigint() }}) as customers_at_month_end,
    cast(
        {{ cx_metrics.safe_divide('100 * tickets_created', 'customers_at_month_end') }}
        as {{ cx_metrics.type_double() }}
    ) as tickets_per_100_customers,
    cast(
        {{ cx_metrics.safe_divide('100 * contacts', 'customers_at_month_end') }}
        as {{ cx_metrics.type_double() }}
    ) as contacts_per_100_customers,
    cast(
        {{ cx_metrics.safe_divide('contacts_with_customer', 'contacting_customers') }}
        as {{ cx_metrics.type_double() }}
    ) as contacts_per_contacting_customer
from joined
