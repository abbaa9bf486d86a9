{#-
    Additive counts behind every scorecard metric, per reporting-timezone day
    (dim_dates spine): contacts and outcomes by the contact's start, phone
    legs by queued_at, tickets by creation, surveys by responded_at, QA by
    evaluated_at, social by posted_at, work cost by the work's day, revenue
    by ordered_at. The daily and monthly scorecards sum these, so the two
    grains never disagree on a definition.
-#}
with

dates as (
    select * from {{ ref('dim_dates') }}
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

contact_days as (
    select
        started_date as date_day,
        count(*) as contacts,
        {{ cx_metrics.count_if('is_handled') }} as handled_contacts,
        {{ cx_metrics.count_if('is_evaluable') }} as evaluable_contacts,
        {{ cx_metrics.count_if("fcr_status = 'fcr'") }} as fcr_contacts,
        {{ cx_metrics.count_if('is_evaluable and has_repeat') }} as repeated_contacts,
        {{ cx_metrics.count_if("is_evaluable and contact_type = 'call'") }} as evaluable_phone_contacts,
        {{ cx_metrics.count_if("is_evaluable and contact_type = 'call' and has_callback") }} as callback_contacts
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
    dates.date_day,
    cast({{ dbt.date_trunc('month', 'dates.date_day') }} as date) as month,
    cast(coalesce(contact_days.contacts, 0) as {{ dbt.type_bigint() }}) as contacts,
    cast(coalesce(contact_days.handled_contacts, 0) as {{ dbt.type_bigint() }}) as handled_contacts,
    cast(coalesce(contact_days.evaluable_contacts, 0) as {{ dbt.type_bigint() }}) as evaluable_contacts,
    cast(coalesce(contact_days.fcr_contacts, 0) as {{ dbt.type_bigint() }}) as fcr_contacts,
    cast(coalesce(contact_days.repeated_contacts, 0) as {{ dbt.type_bigint() }}) as repeated_contacts,
    cast(coalesce(contact_days.evaluable_phone_contacts, 0) as {{ dbt.type_bigint() }}) as evaluable_phone_contacts,
    cast(coalesce(contact_days.callback_contacts, 0) as {{ dbt.type_bigint() }}) as callback_contacts,
    cast(coalesce(leg_days.offered_legs, 0) as {{ dbt.type_bigint() }}) as offered_legs,
    cast(coalesce(leg_days.answered_legs, 0) as {{ dbt.type_bigint() }}) as answered_legs,
    cast(coalesce(leg_days.abandoned_legs, 0) as {{ dbt.type_bigint() }}) as abandoned_legs,
    cast(coalesce(leg_days.answered_within_sl, 0) as {{ dbt.type_bigint() }}) as answered_within_sl,
    cast(coalesce(leg_days.answered_wait_seconds, 0) as {{ cx_metrics.type_double() }}) as answered_wait_seconds,
    cast(coalesce(leg_days.aht_legs, 0) as {{ dbt.type_bigint() }}) as aht_legs,
    cast(coalesce(leg_days.aht_handle_seconds, 0) as {{ cx_metrics.type_double() }}) as aht_handle_seconds,
    cast(coalesce(ticket_days.solved_tickets, 0) as {{ dbt.type_bigint() }}) as solved_tickets,
    cast(coalesce(ticket_days.reopened_solved_tickets, 0) as {{ dbt.type_bigint() }}) as reopened_solved_tickets,
    cast(coalesce(survey_days.nps_responses, 0) as {{ dbt.type_bigint() }}) as nps_responses,
    cast(coalesce(survey_days.promoters, 0) as {{ dbt.type_bigint() }}) as promoters,
    cast(coalesce(survey_days.detractors, 0) as {{ dbt.type_bigint() }}) as detractors,
    cast(coalesce(survey_days.csat_responses, 0) as {{ dbt.type_bigint() }}) as csat_responses,
    cast(coalesce(survey_days.csat_satisfied, 0) as {{ dbt.type_bigint() }}) as csat_satisfied,
    cast(coalesce(survey_days.ces_responses, 0) as {{ dbt.type_bigint() }}) as ces_responses,
    cast(coalesce(survey_days.ces_score_total, 0) as {{ dbt.type_bigint() }}) as ces_score_total,
    cast(coalesce(qa_days.evaluations, 0) as {{ dbt.type_bigint() }}) as evaluations,
    cast(coalesce(qa_days.empathy_score_total, 0) as {{ dbt.type_bigint() }}) as empathy_score_total,
    cast(coalesce(qa_days.evaluations_passed, 0) as {{ dbt.type_bigint() }}) as evaluations_passed,
    cast(coalesce(mention_days.recommendation_mentions, 0) as {{ dbt.type_bigint() }}) as recommendation_mentions,
    cast(coalesce(mention_days.positive_recommendations, 0) as {{ dbt.type_bigint() }}) as positive_recommendations,
    cast(coalesce(mention_days.negative_recommendations, 0) as {{ dbt.type_bigint() }}) as negative_recommendations,
    cast(coalesce(cost_days.work_cost, 0) as {{ cx_metrics.type_double() }}) as work_cost,
    cast(coalesce(order_days.revenue, 0) as {{ cx_metrics.type_double() }}) as revenue
from dates
left join contact_days
    on dates.date_day = contact_days.date_day
left join leg_days
    on dates.date_day = leg_days.date_day
left join ticket_days
    on dates.date_day = ticket_days.date_day
left join survey_days
    on dates.date_day = survey_days.date_day
left join qa_days
    on dates.date_day = qa_days.date_day
left join mention_days
    on dates.date_day = mention_days.date_day
left join cost_days
    on dates.date_day = cost_days.date_day
left join order_days
    on dates.date_day = order_days.date_day
