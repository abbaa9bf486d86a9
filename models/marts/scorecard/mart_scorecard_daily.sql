{#-
    The operational scorecard per reporting-timezone day: the subset of the
    monthly scorecard that reads meaningfully for one day, each with its value
    on the previous day of the reporting range. Left out: sps, empathy_mean and
    compliance_rate (a day holds a handful of mentions and evaluations),
    retention_rate and benefit_cost_ratio (monthly cohorts over 90/30-day
    windows) and ixs (configured and scored per month).
-#}
with

daily as (
    select * from {{ ref('int_scorecard_daily_counts') }}
),

metrics as (
    select
        daily.date_day,
        {{ cx_metrics.scorecard_rates('daily', columns=[
            'contacts', 'handled_contacts', 'aht_minutes', 'asa_seconds', 'service_level', 'abandon_rate',
            'fcr_rate', 'repeat_contact_rate', 'callback_rate', 'reopen_rate', 'nps', 'csat', 'ces',
            'work_cost', 'cost_per_contact', 'revenue'
        ]) }}
    from daily
)

select
    metrics.date_day,
    metrics.contacts,
    metrics.handled_contacts,
    metrics.aht_minutes,
    metrics.asa_seconds,
    metrics.service_level,
    metrics.abandon_rate,
    metrics.fcr_rate,
    metrics.repeat_contact_rate,
    metrics.callback_rate,
    metrics.reopen_rate,
    metrics.nps,
    metrics.csat,
    metrics.ces,
    metrics.work_cost,
    metrics.cost_per_contact,
    metrics.revenue,
    lag(metrics.contacts) over (order by metrics.date_day) as prev_contacts,
    lag(metrics.handled_contacts) over (order by metrics.date_day) as prev_handled_contacts,
    lag(metrics.aht_minutes) over (order by metrics.date_day) as prev_aht_minutes,
    lag(metrics.asa_seconds) over (order by metrics.date_day) as prev_asa_seconds,
    lag(metrics.service_level) over (order by metrics.date_day) as prev_service_level,
    lag(metrics.abandon_rate) over (order by metrics.date_day) as prev_abandon_rate,
    lag(metrics.fcr_rate) over (order by metrics.date_day) as prev_fcr_rate,
    lag(metrics.repeat_contact_rate) over (order by metrics.date_day) as prev_repeat_contact_rate,
    lag(metrics.callback_rate) over (order by metrics.date_day) as prev_callback_rate,
    lag(metrics.reopen_rate) over (order by metrics.date_day) as prev_reopen_rate,
    lag(metrics.nps) over (order by metrics.date_day) as prev_nps,
    lag(metrics.csat) over (order by metrics.date_day) as prev_csat,
    lag(metrics.ces) over (order by metrics.date_day) as prev_ces,
    lag(metrics.work_cost) over (order by metrics.date_day) as prev_work_cost,
    lag(metrics.cost_per_contact) over (order by metrics.date_day) as prev_cost_per_contact,
    lag(metrics.revenue) over (order by metrics.date_day) as prev_revenue
from metrics
