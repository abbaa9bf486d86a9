{#-
    One row per calendar day in var('reporting_timezone'), from the first
    day with a call leg, ticket or order to the day of as_of. Built from
    dbt.generate_series (portable; no compile-time query), capped at
    10,000 days (27 years); the relationships tests of the facts' dates
    catch a longer span.
-#}
with

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

orders as (
    select * from {{ ref('stg_commerce__orders') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

data_dates as (
    select min(call_legs.queued_date) as first_date from call_legs
    union all
    select min(tickets.created_date) as first_date from tickets
    union all
    select min({{ cx_metrics.reporting_date('orders.ordered_at') }}) as first_date from orders
    union all
    select {{ cx_metrics.reporting_date('as_of.as_of') }} as first_date from as_of
),

bounds as (
    select
        min(data_dates.first_date) as first_date,
        max({{ cx_metrics.reporting_date('as_of.as_of') }}) as last_date
    from data_dates
    cross join as_of
),

day_numbers as (
    {{ dbt.generate_series(10000) }}
),

spine as (
    select
        cast(
            {{ dbt.dateadd('day', 'day_numbers.generated_number - 1', 'bounds.first_date') }} as date
        ) as date_day,
        bounds.last_date
    from day_numbers
    cross join bounds
),

described as (
    select
        date_day,
        {{ dbt.datediff("cast('1900-01-01' as date)", 'date_day', 'day') }} % 7 + 1 as day_of_week, -- noqa: LT05
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        extract(year from date_day) as calendar_year
    from spine
    where date_day <= last_date
)

select
    date_day,
    cast(day_of_week as {{ dbt.type_int() }}) as day_of_week,
    day_of_week >= 6 as is_weekend,
    week_start,
    month_start,
    cast(calendar_year as {{ dbt.type_int() }}) as calendar_year
from described
