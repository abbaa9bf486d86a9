{#-
    The operational scorecard per reporting-timezone day: the subset of the
    monthly scorecard that reads meaningfully for one day, each with its value
    on the previous day of the reporting range. Left out: sps, empathy_mean and
    compliance_rate (a day holds a handful of mentions and evaluations),
    retention_rate and benefit_cost_ratio (monthly cohorts over 90/30-day
    windows) and ixs (configured and scored per month).
-#}
{%- set names = cx_metrics.scorecard_metric_names(daily=true) %}
with

daily as (
    select * from {{ ref('input_scorecard_daily_counts') }}
),

metrics as (
    select
        daily.date_day,
        {{ cx_metrics.scorecard_rates('daily', columns=names) }}
    from daily
)

select
    {{ cx_metrics.scorecard_panel_columns('metrics', 'date_day', names) }}
from metrics
