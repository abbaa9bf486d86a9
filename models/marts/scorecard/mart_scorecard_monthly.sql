{#-
    The balanced scorecard per month of the reporting range (executives):
    cost, efficiency, effectiveness, experience, value and compliance
    metrics and the IXS, each with its value in the previous month. The
    columns are those of scorecard_metrics() (macros/scorecard), in order.
-#}
with

metrics as (
    select
        scorecard_metrics.*,
        ixs.ixs
    from {{ ref('input_scorecard_metrics_monthly') }} as scorecard_metrics
    left join {{ ref('mart_ixs_monthly') }} as ixs
        on scorecard_metrics.month = ixs.month
)

select
    {{ cx_metrics.scorecard_panel_columns('metrics', 'month', cx_metrics.scorecard_metric_names()) }}
from metrics
