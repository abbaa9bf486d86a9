{{ config(schema='build_scope') }}

{#-
    The customers whose rows an incremental build rebuilds in
    input_customer_value_windows (macros/incremental/incremental.sql):
    - the customers of the rebuilt contacts, as they are now and as they were
      (input_incremental_scope__customers);
    - the customers dim_customers rebuilds (base_incremental_scope__customers):
      loaded again, or named by a copy of a new order's key (an order that
      moved to another customer changes both);
    - the customers with an order, or a contact whose value window ends,
      between the previous build's as_of and this one's: the reported orders
      and the closed windows move with as_of;
    - every customer when the no-contact rows change for all: a month's
      window ends between the two as_of, or the first month with any contact
      (where the reported months start) is not the published build's: the
      earliest of the other contacts and of the rebuilt ones as they were.
    Empty in a full build. In build_scope, a schema no report reads.
-#}

{%- set previous_outcomes = cx_metrics.previous_relation('fct_contact_outcomes', 'marts') %}
{%- set window_days = var('value_window_days') %}

-- the refs of the incremental branch, which dbt's parse does not render
-- depends_on: {{ ref('dim_customers') }}
-- depends_on: {{ ref('dim_dates') }}
-- depends_on: {{ ref('fct_contacts') }}
-- depends_on: {{ ref('input_incremental_scope__customers') }}
-- depends_on: {{ ref('int_as_of') }}
-- depends_on: {{ ref('base_incremental_scope__customers') }}
-- depends_on: {{ ref('int_incremental_scope__contacts') }}
-- depends_on: {{ ref('stg_commerce__orders') }}

with

{% if previous_outcomes is not none %}

contacts as (
    select
        contact_id,
        customer_id,
        started_at,
        started_date
    from {{ ref('fct_contacts') }}
),

contact_scope as (
    select contact_id from {{ ref('int_incremental_scope__contacts') }}
),

as_of_window as (
    {{ cx_metrics.as_of_window_row() }}
),

rebuilt_contact_dates_before as (
    -- the contacts as the published build had them: the rebuilt ones as they were
    select contacts.started_date
    from contacts
    left join contact_scope
        on contacts.contact_id = contact_scope.contact_id
    where contact_scope.contact_id is null
    union all
    select outcomes.started_date
    from {{ previous_outcomes }} as outcomes
    inner join contact_scope
        on outcomes.contact_id = contact_scope.contact_id
),

first_month_now as (
    select cast({{ dbt.date_trunc('month', 'min(started_date)') }} as date) as month
    from contacts
),

first_month_before as (
    select cast({{ dbt.date_trunc('month', 'min(started_date)') }} as date) as month
    from rebuilt_contact_dates_before
),

first_month_changes as (
    select count(*) as changes
    from first_month_now
    cross join first_month_before
    where first_month_now.month is distinct from first_month_before.month
),

month_windows_end as (
    select count(*) as months
    from {{ ref('dim_dates') }} as dates
    cross join as_of_window
    where
        dates.date_day = dates.month_start
        and {{ cx_metrics.in_as_of_window(
            dbt.dateadd('day', window_days, 'cast(dates.month_start as ' ~ dbt.type_timestamp() ~ ')')
        ) }}
),

every_customer as (
    select customers.customer_id
    from {{ ref('dim_customers') }} as customers
    cross join first_month_changes
    cross join month_windows_end
    where first_month_changes.changes > 0 or month_windows_end.months > 0
),

orders_in_as_of_window as (
    select orders.customer_id
    from {{ ref('stg_commerce__orders') }} as orders
    cross join as_of_window
    where {{ cx_metrics.in_as_of_window('orders.ordered_at') }}
),

windows_ending as (
    select contacts.customer_id
    from contacts
    cross join as_of_window
    where {{ cx_metrics.in_as_of_window(dbt.dateadd('day', window_days, 'contacts.started_at')) }}
),

affected as (
    select customer_id from {{ ref('input_incremental_scope__customers') }}
    union
    select customer_id from {{ ref('base_incremental_scope__customers') }}
    union
    select customer_id from orders_in_as_of_window
    union
    select customer_id from windows_ending
    union
    select customer_id from every_customer
)

{{ cx_metrics.scope_keys('customer_id', 'affected') }}

{% else %}

{{ cx_metrics.empty_scope('customer_id') }}

{% endif %}
