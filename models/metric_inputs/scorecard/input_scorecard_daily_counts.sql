{#-
    Additive counts behind every scorecard metric, per reporting-timezone day
    of the reporting range (the dim_dates days of the int_reporting_months
    months, so no day before the first month with support data): contacts and outcomes by the contact's start, phone
    legs by queued_at, tickets by creation, surveys by responded_at, QA by
    evaluated_at, social by posted_at, work cost by the work's day, revenue
    by ordered_at. The daily and monthly scorecards sum these, so the two
    grains never disagree on a definition. A count over an absent source
    (macros/sources/source_present.sql) is null, not 0, and so is every rate over it.
-#}
with

dates as (
    select * from {{ ref('dim_dates') }}
),

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

outcomes as (
    select * from {{ ref('fct_contact_outcomes') }}
),

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

responses as (
    select * from {{ ref('fct_survey_responses') }}
),

qa_evaluations as (
    select * from {{ ref('stg_quality__qa_evaluations') }}
),

mentions as (
    select * from {{ ref('stg_social__social_mentions') }}
),

agent_daily as (
    select * from {{ ref('mart_agent_daily') }}
),

orders as (
    select * from {{ ref('stg_commerce__orders') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

reporting_days as (
    select dates.date_day
    from dates
    inner join reporting_months
        on dates.month_start = reporting_months.month_start
),

contact_days as (
    select
        started_date as date_day,
        count(*) as contacts,
        {{ cx_metrics.contact_outcome_counts() }}
    from outcomes
    group by started_date
),

leg_days as (
    select
        queued_date as date_day,
        {{ cx_metrics.count_if('is_offered') }} as offered_legs,
        {{ cx_metrics.count_if('is_inbound and is_answered') }} as answered_legs,
        {{ cx_metrics.count_if('is_abandoned') }} as abandoned_legs,
        {{ cx_metrics.count_if('is_answered_within_sl') }} as answered_within_sl,
        sum(case when is_inbound and is_answered then wait_seconds else 0 end) as answered_wait_seconds,
        {{ cx_metrics.count_if('is_in_aht_scope') }} as aht_legs,
        sum(case when is_in_aht_scope then handle_seconds else 0 end) as aht_handle_seconds
    from call_legs
    where is_inbound or is_in_aht_scope
    group by queued_date
),

ticket_days as (
    select
        created_date as date_day,
        {{ cx_metrics.count_if('is_solved') }} as solved_tickets,
        {{ cx_metrics.count_if('is_solved and is_reopened') }} as reopened_solved_tickets
    from tickets
    group by created_date
),

survey_days as (
    select
        responded_date as date_day,
        {{ cx_metrics.count_if("survey_type = 'nps'") }} as nps_responses,
        {{ cx_metrics.count_if("nps_bucket = 'promoter'") }} as promoters,
        {{ cx_metrics.count_if("nps_bucket = 'detractor'") }} as detractors,
        {{ cx_metrics.count_if("survey_type = 'csat'") }} as csat_responses,
        {{ cx_metrics.count_if('is_csat_satisfied') }} as csat_satisfied,
        {{ cx_metrics.count_if("survey_type = 'ces'") }} as ces_responses,
        sum(case when survey_type = 'ces' then score else 0 end) as ces_score_total
    from responses
    group by responded_date
),

qa_days as (
    select
        {{ cx_metrics.reporting_date('qa_evaluations.evaluated_at') }} as date_day,
        count(*) as evaluations,
        sum(qa_evaluations.empathy_score) as empathy_score_total,
        {{ cx_metrics.count_if('qa_evaluations.is_compliance_passed') }} as evaluations_passed
    from qa_evaluations
    where qa_evaluations.evaluated_at <= (select as_of.as_of from as_of)
    group by {{ cx_metrics.reporting_date('qa_evaluations.evaluated_at') }}
),

mention_days as (
    select
        {{ cx_metrics.reporting_date('mentions.posted_at') }} as date_day,
        {{ cx_metrics.count_if('mentions.is_recommendation') }} as recommendation_mentions,
        {{ cx_metrics.count_if("mentions.is_recommendation and mentions.sentiment = 'positive'") }}
            as positive_recommendations,
        {{ cx_metrics.count_if("mentions.is_recommendation and mentions.sentiment = 'negative'") }}
            as negative_recommendations
    from mentions
    where mentions.posted_at <= (select as_of.as_of from as_of)
    group by {{ cx_metrics.reporting_date('mentions.posted_at') }}
),

cost_days as (
    select
        date_day,
        sum(work_cost) as work_cost
    from agent_daily
    group by date_day
),

order_days as (
    select
        {{ cx_metrics.reporting_date('orders.ordered_at') }} as date_day,
        sum(orders.amount) as revenue
    from orders
    where orders.ordered_at <= (select as_of.as_of from as_of)
    group by {{ cx_metrics.reporting_date('orders.ordered_at') }}
)

select
    reporting_days.date_day,
    cast({{ dbt.date_trunc('month', 'reporting_days.date_day') }} as date) as month,
    cast(
        {{ cx_metrics.zero_if_present('contact_days.contacts', ['tickets', 'calls']) }}
        as {{ dbt.type_bigint() }}
    ) as contacts,
    cast(
        {{ cx_metrics.zero_if_present('contact_days.handled_contacts', ['tickets', 'calls']) }}
        as {{ dbt.type_bigint() }}
    ) as handled_contacts,
    cast(
        {{ cx_metrics.zero_if_present('contact_days.evaluable_contacts', ['tickets', 'calls']) }}
        as {{ dbt.type_bigint() }}
    ) as evaluable_contacts,
    cast(
        {{ cx_metrics.zero_if_present('contact_days.fcr_contacts', ['tickets', 'calls']) }}
        as {{ dbt.type_bigint() }}
    ) as fcr_contacts,
    cast(
        {{ cx_metrics.zero_if_present('contact_days.repeated_contacts', ['tickets', 'calls']) }}
        as {{ dbt.type_bigint() }}
    ) as repeated_contacts,
    cast(
        {{ cx_metrics.zero_if_present('contact_days.evaluable_phone_contacts', ['calls']) }}
        as {{ dbt.type_bigint() }}
    ) as evaluable_phone_contacts,
    cast(
        {{ cx_metrics.zero_if_present('contact_days.callback_contacts', ['calls']) }}
        as {{ dbt.type_bigint() }}
    ) as callback_contacts,
    cast(
        {{ cx_metrics.zero_if_present('leg_days.offered_legs', ['calls']) }}
        as {{ dbt.type_bigint() }}
    ) as offered_legs,
    cast(
        {{ cx_metrics.zero_if_present('leg_days.answered_legs', ['calls']) }}
        as {{ dbt.type_bigint() }}
    ) as answered_legs,
    cast(
        {{ cx_metrics.zero_if_present('leg_days.abandoned_legs', ['calls']) }}
        as {{ dbt.type_bigint() }}
    ) as abandoned_legs,
    cast(
        {{ cx_metrics.zero_if_present('leg_days.answered_within_sl', ['calls']) }}
        as {{ dbt.type_bigint() }}
    ) as answered_within_sl,
    cast(
        {{ cx_metrics.zero_if_present('leg_days.answered_wait_seconds', ['calls']) }}
        as {{ cx_metrics.type_double() }}
    ) as answered_wait_seconds,
    cast({{ cx_metrics.zero_if_present('leg_days.aht_legs', ['calls']) }} as {{ dbt.type_bigint() }}) as aht_legs,
    cast(
        {{ cx_metrics.zero_if_present('leg_days.aht_handle_seconds', ['calls']) }}
        as {{ cx_metrics.type_double() }}
    ) as aht_handle_seconds,
    cast(
        {{ cx_metrics.zero_if_present('ticket_days.solved_tickets', ['tickets']) }}
        as {{ dbt.type_bigint() }}
    ) as solved_tickets,
    cast(
        {{ cx_metrics.zero_if_present('ticket_days.reopened_solved_tickets', ['tickets']) }}
        as {{ dbt.type_bigint() }}
    ) as reopened_solved_tickets,
    cast(
        {{ cx_metrics.zero_if_present('survey_days.nps_responses', ['survey_responses']) }}
        as {{ dbt.type_bigint() }}
    ) as nps_responses,
    cast(
        {{ cx_metrics.zero_if_present('survey_days.promoters', ['survey_responses']) }}
        as {{ dbt.type_bigint() }}
    ) as promoters,
    cast(
        {{ cx_metrics.zero_if_present('survey_days.detractors', ['survey_responses']) }}
        as {{ dbt.type_bigint() }}
    ) as detractors,
    cast(
        {{ cx_metrics.zero_if_present('survey_days.csat_responses', ['survey_responses']) }}
        as {{ dbt.type_bigint() }}
    ) as csat_responses,
    cast(
        {{ cx_metrics.zero_if_present('survey_days.csat_satisfied', ['survey_responses']) }}
        as {{ dbt.type_bigint() }}
    ) as csat_satisfied,
    cast(
        {{ cx_metrics.zero_if_present('survey_days.ces_responses', ['survey_responses']) }}
        as {{ dbt.type_bigint() }}
    ) as ces_responses,
    cast(
        {{ cx_metrics.zero_if_present('survey_days.ces_score_total', ['survey_responses']) }}
        as {{ dbt.type_bigint() }}
    ) as ces_score_total,
    cast(
        {{ cx_metrics.zero_if_present('qa_days.evaluations', ['qa_evaluations']) }}
        as {{ dbt.type_bigint() }}
    ) as evaluations,
    cast(
        {{ cx_metrics.zero_if_present('qa_days.empathy_score_total', ['qa_evaluations']) }}
        as {{ dbt.type_bigint() }}
    ) as empathy_score_total,
    cast(
        {{ cx_metrics.zero_if_present('qa_days.evaluations_passed', ['qa_evaluations']) }}
        as {{ dbt.type_bigint() }}
    ) as evaluations_passed,
    cast(
        {{ cx_metrics.zero_if_present('mention_days.recommendation_mentions', ['social_mentions']) }}
        as {{ dbt.type_bigint() }}
    ) as recommendation_mentions,
    cast(
        {{ cx_metrics.zero_if_present('mention_days.positive_recommendations', ['social_mentions']) }}
        as {{ dbt.type_bigint() }}
    ) as positive_recommendations,
    cast(
        {{ cx_metrics.zero_if_present('mention_days.negative_recommendations', ['social_mentions']) }}
        as {{ dbt.type_bigint() }}
    ) as negative_recommendations,
    cast(
        {{ cx_metrics.zero_if_present(
            cx_metrics.null_if_absent('cost_days.work_cost', ['agents']), ['ticket_events', 'calls']
        ) }}
        as {{ cx_metrics.type_double() }}
    ) as work_cost,
    cast(
        {{ cx_metrics.zero_if_present('order_days.revenue', ['orders']) }}
        as {{ cx_metrics.type_double() }}
    ) as revenue
from reporting_days
left join contact_days
    on reporting_days.date_day = contact_days.date_day
left join leg_days
    on reporting_days.date_day = leg_days.date_day
left join ticket_days
    on reporting_days.date_day = ticket_days.date_day
left join survey_days
    on reporting_days.date_day = survey_days.date_day
left join qa_days
    on reporting_days.date_day = qa_days.date_day
left join mention_days
    on reporting_days.date_day = mention_days.date_day
left join cost_days
    on reporting_days.date_day = cost_days.date_day
left join order_days
    on reporting_days.date_day = order_days.date_day
