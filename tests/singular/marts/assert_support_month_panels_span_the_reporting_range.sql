-- Every support month panel covers exactly the reporting range: from the
-- month of the first call leg or ticket (every contact is one or the other)
-- to the month holding as_of, each month once, nothing padded before.
-- Computed here from the facts, independently of int_reporting_months.
-- Fails with one row per panel whose first month, last month or number of
-- months differs.
with

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

volume as (
    select * from {{ ref('mart_volume_monthly') }}
),

product_rate as (
    select * from {{ ref('mart_product_contact_rate_monthly') }}
),

scorecard as (
    select * from {{ ref('mart_scorecard_monthly') }}
),

scorecard_daily as (
    select * from {{ ref('mart_scorecard_daily') }}
),

ixs as (
    select * from {{ ref('mart_ixs_monthly') }}
),

ixs_components as (
    select * from {{ ref('mart_ixs_components_monthly') }}
),

first_days as (
    select min(call_legs.queued_date) as first_day from call_legs
    union all
    select min(tickets.created_date) as first_day from tickets
),

bounds as (
    select
        cast({{ dbt.date_trunc('month', 'min(first_days.first_day)') }} as date) as first_month,
        cast({{ dbt.date_trunc('month', cx_metrics.reporting_date('max(as_of.as_of)')) }} as date) as last_month
    from first_days
    cross join as_of
),

expected as (
    select
        first_month,
        last_month,
        {{ dbt.datediff('first_month', 'last_month', 'month') }} + 1 as months -- noqa: LT05
    from bounds
),

panel_months as (
    select distinct
        'mart_volume_monthly' as panel,
        volume.month
    from volume
    union all
    select distinct
        'mart_product_contact_rate_monthly' as panel,
        product_rate.month
    from product_rate
    union all
    select distinct
        'mart_scorecard_monthly' as panel,
        scorecard.month
    from scorecard
    union all
    select distinct
        'mart_scorecard_daily' as panel,
        cast({{ dbt.date_trunc('month', 'scorecard_daily.date_day') }} as date) as month
    from scorecard_daily
    union all
    select distinct
        'mart_ixs_monthly' as panel,
        ixs.month
    from ixs
    union all
    select distinct
        'mart_ixs_components_monthly' as panel,
        ixs_components.month
    from ixs_components
),

panels as (
    select
        panel,
        min(month) as first_month,
        max(month) as last_month,
        count(*) as months
    from panel_months
    group by panel
)

select
    panels.panel,
    panels.first_month,
    panels.last_month,
    panels.months,
    expected.first_month as expected_first_month,
    expected.last_month as expected_last_month,
    expected.months as expected_months
from panels
cross join expected
where
    panels.first_month <> expected.first_month
    or panels.last_month <> expected.last_month
    or panels.months <> expected.months
