{#-
    One row per anchor of the value-after-contact comparison (docs/metrics.md: Cost and
    value), with the customer's revenue in value_window_days before and after
    the anchor instant. Two scopes:
    - category_cohort: per known customer, month and category, cohort
      long_contact (a handled contact with handle time >= long_interaction_minutes;
      anchor = the first such contact) or short_contact (only shorter handled
      contacts; anchor = the first), and per known customer with no contact
      at all in the month, cohort no_contact, category none, anchor = the
      month's first day 00:00 (UTC instant), only for months from the first
      month with any contact in the data and only once the window is closed
      (one row per customer and month is the bulk of this table: ~143 million
      rows at 10 million contacts otherwise, and open ones are never reported);
    - contacted_customer: per known customer and month with a handled contact,
      anchor = the first handled contact of the month (category all).
    Windows are half-open: before = [anchor - W, anchor), after = [anchor,
    anchor + W). A window is closed when anchor + W <= as_of; only closed
    windows are reported. An incremental build rebuilds the rows of the
    customers in input_incremental_scope__value_customers; the months reported
    still start at the first month with any contact, of every customer.
-#}
{{ cx_metrics.scoped_model_config('customer_id', 'input_incremental_scope__value_customers') }}
{%- set window_days = var('value_window_days') %}
{%- set long_seconds = var('long_interaction_minutes') * 60 %}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
    -- depends_on: {{ ref('input_incremental_scope__value_customers') }}
    where {{ cx_metrics.in_scope('customer_id', 'input_incremental_scope__value_customers') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
),

orders as (
    select * from {{ ref('stg_commerce__orders') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

first_contact_month as (
    select cast({{ dbt.date_trunc('month', 'min(started_date)') }} as date) as month
    from contacts
),

months as (
    select
        dates.month_start as month,
        max(dates.date_day) as month_last_day
    from dates
    where dates.month_start >= (select first_contact_month.month from first_contact_month)
    group by dates.month_start
),

known_contacts as (
    select
        contacts.customer_id,
        cast({{ dbt.date_trunc('month', 'contacts.started_date') }} as date) as month,
        contacts.category,
        contacts.started_at,
        contacts.is_handled,
        contacts.is_handled and contacts.handle_seconds >= {{ long_seconds }} as is_long
    from contacts
    where
        contacts.is_known_customer
        and {{ cx_metrics.in_scope('contacts.customer_id', 'input_incremental_scope__value_customers') }}
),

category_contacts as (
    select
        customer_id,
        month,
        category,
        min(case when is_long then started_at end) as first_long_at,
        min(started_at) as first_handled_at
    from known_contacts
    where is_handled
    group by customer_id, month, category
),

contacted_months as (
    select distinct
        customer_id,
        month
    from known_contacts
),

no_contact_customers as (
    select
        customers.customer_id,
        months.month
    from customers
    inner join months
        on customers.created_date <= months.month_last_day
    left join contacted_months
        on customers.customer_id = contacted_months.customer_id and months.month = contacted_months.month
    where
        customers.is_known_customer
        and contacted_months.customer_id is null
        and {{ dbt.dateadd('day', window_days, 'cast(months.month as ' ~ dbt.type_timestamp() ~ ')') }}
        <= (select as_of.as_of from as_of)
),

anchors as (
    select
        'category_cohort' as anchor_scope,
        customer_id,
        month,
        category,
        case when first_long_at is not null then 'long_contact' else 'short_contact' end as cohort,
        coalesce(first_long_at, first_handled_at) as anchor_at
    from category_contacts
    union all
    select
        'category_cohort' as anchor_scope,
        customer_id,
        month,
        'none' as category,
        'no_contact' as cohort,
        cast(month as {{ dbt.type_timestamp() }}) as anchor_at
    from no_contact_customers
    union all
    select
        'contacted_customer' as anchor_scope,
        customer_id,
        month,
        'all' as category,
        'contacted' as cohort,
        min(started_at) as anchor_at
    from known_contacts
    where is_handled
    group by customer_id, month
),

reported_orders as (
    select orders.*
    from orders
    where
        orders.ordered_at <= (select as_of.as_of from as_of)
        and {{ cx_metrics.in_scope('orders.customer_id', 'input_incremental_scope__value_customers') }}
),

windowed as (
    select
        anchors.anchor_scope,
        anchors.customer_id,
        anchors.month,
        anchors.category,
        anchors.cohort,
        anchors.anchor_at,
        sum(
            case
                when
                    orders.ordered_at >= {{ dbt.dateadd('day', -window_days, 'anchors.anchor_at') }}
                    and orders.ordered_at < anchors.anchor_at
                    then orders.amount
                else 0
            end
        ) as revenue_before,
        sum(
            case
                when
                    orders.ordered_at >= anchors.anchor_at
                    and orders.ordered_at < {{ dbt.dateadd('day', window_days, 'anchors.anchor_at') }}
                    then orders.amount
                else 0
            end
        ) as revenue_after,
        {{ cx_metrics.bool_or('orders.ordered_at < anchors.anchor_at') }} as has_prior_order,
        {{ cx_metrics.bool_or(
            'orders.ordered_at >= anchors.anchor_at and orders.ordered_at < '
            ~ dbt.dateadd('day', window_days, 'anchors.anchor_at')
        ) }} as has_order_after
    from anchors
    left join reported_orders as orders
        on anchors.customer_id = orders.customer_id
    group by
        anchors.anchor_scope,
        anchors.customer_id,
        anchors.month,
        anchors.category,
        anchors.cohort,
        anchors.anchor_at
)

select
    cast(anchor_scope as {{ dbt.type_string() }}) as anchor_scope,
    cast(customer_id as {{ dbt.type_string() }}) as customer_id,
    month,
    cast(category as {{ dbt.type_string() }}) as category,
    cast(cohort as {{ dbt.type_string() }}) as cohort,
    anchor_at,
    {{ dbt.dateadd('day', window_days, 'anchor_at') }} <= (select as_of.as_of from as_of) as is_window_closed,
    cast(revenue_before as {{ cx_metrics.type_double() }}) as revenue_before,
    cast(revenue_after as {{ cx_metrics.type_double() }}) as revenue_after,
    has_prior_order,
    has_prior_order and has_order_after as is_retained
from windowed
