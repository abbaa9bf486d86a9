{#-
    The monthly scorecard's metrics without IXS and without previous-period
    columns: the IXS is computed from this model (mart_ixs_monthly), and
    mart_scorecard_monthly then joins it, so there is no cycle. One row per
    month of the reporting range (int_reporting_months).
-#}
{#- The metrics of monthly cohorts; the others come from scorecard_rates. #}
{%- set cohort_metrics = {
    'retention_rate': cx_metrics.safe_divide('retention.retained_customers', 'retention.customers_with_prior_order'),
    'benefit_cost_ratio': 'deflection.benefit_cost_ratio',
} %}
{%- set cohort_names = cx_metrics.scorecard_metric_names(sources=['retention', 'deflection']) %}
{%- if (cohort_metrics.keys() | sort) != (cohort_names | sort) %}
    {{ exceptions.raise_compiler_error(
        "input_scorecard_metrics_monthly defines " ~ (cohort_metrics.keys() | sort | join(', '))
        ~ " but scorecard_metrics() lists " ~ (cohort_names | sort | join(', '))
    ) }}
{%- endif %}
{%- set cohort_columns = [] %}
{%- for name in cohort_names %}
{%- do cohort_columns.append('cast(' ~ cohort_metrics[name] ~ ' as ' ~ cx_metrics.type_double() ~ ') as ' ~ name) %}
{%- endfor %}
with

daily as (
    select * from {{ ref('input_scorecard_daily_counts') }}
),

value_windows as (
    select * from {{ ref('input_customer_value_windows') }}
),

deflection as (
    select * from {{ ref('mart_returns_deflection_monthly') }}
),

monthly as (
    select
        month,
        sum(contacts) as contacts,
        sum(handled_contacts) as handled_contacts,
        sum(evaluable_contacts) as evaluable_contacts,
        sum(fcr_contacts) as fcr_contacts,
        sum(repeated_contacts) as repeated_contacts,
        sum(evaluable_phone_contacts) as evaluable_phone_contacts,
        sum(callback_contacts) as callback_contacts,
        sum(offered_legs) as offered_legs,
        sum(answered_legs) as answered_legs,
        sum(abandoned_legs) as abandoned_legs,
        sum(answered_within_sl) as answered_within_sl,
        sum(answered_wait_seconds) as answered_wait_seconds,
        sum(aht_legs) as aht_legs,
        sum(aht_handle_seconds) as aht_handle_seconds,
        sum(solved_tickets) as solved_tickets,
        sum(reopened_solved_tickets) as reopened_solved_tickets,
        sum(nps_responses) as nps_responses,
        sum(promoters) as promoters,
        sum(detractors) as detractors,
        sum(csat_responses) as csat_responses,
        sum(csat_satisfied) as csat_satisfied,
        sum(ces_responses) as ces_responses,
        sum(ces_score_total) as ces_score_total,
        sum(evaluations) as evaluations,
        sum(empathy_score_total) as empathy_score_total,
        sum(evaluations_passed) as evaluations_passed,
        sum(recommendation_mentions) as recommendation_mentions,
        sum(positive_recommendations) as positive_recommendations,
        sum(negative_recommendations) as negative_recommendations,
        sum(work_cost) as work_cost,
        sum(revenue) as revenue
    from daily
    group by month
),

retention as (
    select
        month,
        {{ cx_metrics.count_if('has_prior_order') }} as customers_with_prior_order,
        {{ cx_metrics.count_if('is_retained') }} as retained_customers
    from value_windows
    where anchor_scope = 'contacted_customer' and is_window_closed
    group by month
)

select
    monthly.month,
    {{ cx_metrics.scorecard_rates('monthly') }},
    {{ cohort_columns | join(',\n    ') }}
from monthly
left join retention
    on monthly.month = retention.month
left join deflection
    on monthly.month = deflection.month
