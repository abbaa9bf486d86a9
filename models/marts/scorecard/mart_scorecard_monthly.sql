{#-
    The balanced scorecard per month of the reporting range (executives):
    cost, efficiency, effectiveness, experience, value and compliance
    metrics and the IXS, each with its value in the previous month.
-#}
with

metrics as (
    select
        scorecard_metrics.*,
        ixs.ixs
    from {{ ref('int_scorecard_metrics_monthly') }} as scorecard_metrics
    left join {{ ref('mart_ixs_monthly') }} as ixs
        on scorecard_metrics.month = ixs.month
)

select
    metrics.month,
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
    metrics.sps,
    metrics.empathy_mean,
    metrics.compliance_rate,
    metrics.work_cost,
    metrics.cost_per_contact,
    metrics.revenue,
    metrics.retention_rate,
    metrics.benefit_cost_ratio,
    metrics.ixs,
    lag(metrics.contacts) over (order by metrics.month) as prev_contacts,
    lag(metrics.handled_contacts) over (order by metrics.month) as prev_handled_contacts,
    lag(metrics.aht_minutes) over (order by metrics.month) as prev_aht_minutes,
    lag(metrics.asa_seconds) over (order by metrics.month) as prev_asa_seconds,
    lag(metrics.service_level) over (order by metrics.month) as prev_service_level,
    lag(metrics.abandon_rate) over (order by metrics.month) as prev_abandon_rate,
    lag(metrics.fcr_rate) over (order by metrics.month) as prev_fcr_rate,
    lag(metrics.repeat_contact_rate) over (order by metrics.month) as prev_repeat_contact_rate,
    lag(metrics.callback_rate) over (order by metrics.month) as prev_callback_rate,
    lag(metrics.reopen_rate) over (order by metrics.month) as prev_reopen_rate,
    lag(metrics.nps) over (order by metrics.month) as prev_nps,
    lag(metrics.csat) over (order by metrics.month) as prev_csat,
    lag(metrics.ces) over (order by metrics.month) as prev_ces,
    lag(metrics.sps) over (order by metrics.month) as prev_sps,
    lag(metrics.empathy_mean) over (order by metrics.month) as prev_empathy_mean,
    lag(metrics.compliance_rate) over (order by metrics.month) as prev_compliance_rate,
    lag(metrics.work_cost) over (order by metrics.month) as prev_work_cost,
    lag(metrics.cost_per_contact) over (order by metrics.month) as prev_cost_per_contact,
    lag(metrics.revenue) over (order by metrics.month) as prev_revenue,
    lag(metrics.retention_rate) over (order by metrics.month) as prev_retention_rate,
    lag(metrics.benefit_cost_ratio) over (order by metrics.month) as prev_benefit_cost_ratio,
    lag(metrics.ixs) over (order by metrics.month) as prev_ixs
from metrics
