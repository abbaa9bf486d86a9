{#-
    The reporting range of every support month panel, defined once: one row
    per reporting-timezone month from the first month with a call leg or a
    ticket (every contact is one or the other) up to as_of, to the month
    holding as_of. Months before support data exist are not reported ("no
    data" is not "no contacts"). month_last_day is the calendar month's last
    day, also for the month holding as_of (trailing windows such as the
    installed base end there); last_reported_day is the last day with data
    as of as_of: month_last_day, or the day of as_of in its month. Built
    from dbt.generate_series, capped at 400 months. as_of is read as a scalar
    subquery, not cross joined (Spark plans a cross join as a nested loop).
-#}
with

calls as (
    select * from {{ ref('stg_telephony__calls') }}
),

tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

support_starts as (
    select min(calls.queued_at) as first_at
    from calls
    where calls.queued_at <= (select as_of.as_of from as_of)
    union all
    select min(tickets.created_at) as first_at
    from tickets
    where tickets.created_at <= (select as_of.as_of from as_of)
),

first_support as (
    select min(support_starts.first_at) as first_at
    from support_starts
),

bounds as (
    select
        cast(
            {{ dbt.date_trunc('month', cx_metrics.reporting_date('first_support.first_at')) }} as date
        ) as first_month,
        cast(
            {{ dbt.date_trunc('month', cx_metrics.reporting_date('(select as_of.as_of from as_of)')) }} as date
        ) as last_month,
        {{ cx_metrics.reporting_date('(select as_of.as_of from as_of)') }} as as_of_date
    from first_support
),

month_numbers as (
    {{ dbt.generate_series(400) }}
),

months as (
    select
        cast(
            {{ dbt.dateadd('month', 'month_numbers.generated_number - 1', 'bounds.first_month') }} as date
        ) as month_start,
        bounds.last_month,
        bounds.as_of_date
    from month_numbers
    cross join bounds
),

described as (
    select
        month_start,
        as_of_date,
        cast(
            {{ dbt.dateadd('day', '-1', dbt.dateadd('month', '1', 'month_start')) }} as date
        ) as month_last_day
    from months
    where month_start <= last_month
)

select
    month_start,
    month_last_day,
    case
        when month_last_day > as_of_date then as_of_date
        else month_last_day
    end as last_reported_day
from described
