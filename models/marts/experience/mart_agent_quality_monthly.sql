{#-
    Quality, experience, efficiency and cost per agent and reporting-timezone
    month: QA (by evaluated_at), CSAT and NPS of the transactional responses
    rated on the agent's contacts (by responded_at), AHT of the agent's legs
    in AHT scope (by queued_at), FCR of the evaluable contacts the agent
    handled last (by the contact's start) and work cost (mart_agent_daily).
    One row per agent and month with something measured: a QA evaluation, a
    CSAT or NPS response, an answered leg, an evaluable contact or logged
    ticket work (mart_agent_daily). An assignment alone (a ticket the agent
    never replied to) is not activity. work_cost is null for an agent
    missing from agents (as in mart_agent_daily), 0 for a known agent with
    no work that month.
-#}
with

qa_evaluations as (
    select * from {{ ref('stg_quality__qa_evaluations') }}
),

responses as (
    select * from {{ ref('fct_survey_responses') }}
),

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

outcomes as (
    select * from {{ ref('fct_contact_outcomes') }}
),

agent_daily as (
    select * from {{ ref('mart_agent_daily') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

dated_evaluations as (
    select
        cast({{ dbt.date_trunc('month', cx_metrics.reporting_date('qa_evaluations.evaluated_at')) }} as date) as month,
        qa_evaluations.agent_id,
        qa_evaluations.empathy_score,
        qa_evaluations.is_compliance_passed
    from qa_evaluations
    where qa_evaluations.agent_id is not null and qa_evaluations.evaluated_at <= (select as_of.as_of from as_of)
),

qa_months as (
    select
        month,
        agent_id,
        count(*) as evaluations,
        avg(cast(empathy_score as {{ cx_metrics.type_double() }})) as empathy_mean,
        {{ cx_metrics.count_if('is_compliance_passed') }} as evaluations_passed
    from dated_evaluations
    group by month, agent_id
),

survey_months as (
    select
        month,
        agent_id,
        {{ cx_metrics.count_if("survey_type = 'csat'") }} as csat_responses,
        {{ cx_metrics.count_if('is_csat_satisfied') }} as csat_satisfied,
        {{ cx_metrics.count_if("survey_type = 'nps'") }} as nps_responses,
        {{ cx_metrics.count_if("nps_bucket = 'promoter'") }} as promoters,
        {{ cx_metrics.count_if("nps_bucket = 'detractor'") }} as detractors
    from responses
    where agent_id is not null and survey_type in ('csat', 'nps')
    group by month, agent_id
),

leg_months as (
    select
        cast({{ dbt.date_trunc('month', 'queued_date') }} as date) as month,
        agent_id,
        {{ cx_metrics.count_if('is_in_aht_scope') }} as aht_legs,
        sum(case when is_in_aht_scope then handle_seconds else 0 end) as aht_handle_seconds
    from call_legs
    where agent_id is not null and is_answered
    group by cast({{ dbt.date_trunc('month', 'queued_date') }} as date), agent_id
),

fcr_months as (
    select
        cast({{ dbt.date_trunc('month', 'outcomes.started_date') }} as date) as month,
        contacts.agent_id,
        count(*) as evaluable_contacts,
        {{ cx_metrics.count_if("outcomes.fcr_status = 'fcr'") }} as fcr_contacts
    from outcomes
    inner join contacts
        on outcomes.contact_id = contacts.contact_id
    where contacts.agent_id is not null and outcomes.is_evaluable
    group by cast({{ dbt.date_trunc('month', 'outcomes.started_date') }} as date), contacts.agent_id
),

cost_months as (
    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month,
        agent_id,
        sum(work_cost) as work_cost
    from agent_daily
    group by cast({{ dbt.date_trunc('month', 'date_day') }} as date), agent_id
),

agent_months as (
    select
        qa_months.month,
        qa_months.agent_id
    from qa_months
    union
    select
        survey_months.month,
        survey_months.agent_id
    from survey_months
    union
    select
        leg_months.month,
        leg_months.agent_id
    from leg_months
    union
    select
        fcr_months.month,
        fcr_months.agent_id
    from fcr_months
    union
    select
        cost_months.month,
        cost_months.agent_id
    from cost_months
),

joined as (
    select
        agent_months.month,
        agent_months.agent_id,
        {{ cx_metrics.zero_if_present('qa_months.evaluations', ['qa_evaluations']) }} as evaluations,
        qa_months.empathy_mean,
        {{ cx_metrics.safe_divide('qa_months.evaluations_passed', 'qa_months.evaluations') }} as compliance_rate,
        {{ cx_metrics.safe_divide('100 * survey_months.csat_satisfied', 'survey_months.csat_responses') }} as csat,
        {{ cx_metrics.safe_divide(
            '100 * (survey_months.promoters - survey_months.detractors)', 'survey_months.nps_responses'
        ) }} as nps,
        {{ cx_metrics.safe_divide('leg_months.aht_handle_seconds', 'leg_months.aht_legs') }} as aht_seconds,
        {{ cx_metrics.safe_divide('fcr_months.fcr_contacts', 'fcr_months.evaluable_contacts') }} as fcr_rate,
        case
            when agents.hourly_cost is not null
                then {{ cx_metrics.zero_if_present('cost_months.work_cost', ['ticket_events', 'calls']) }}
        end as work_cost
    from agent_months
    left join qa_months
        on agent_months.month = qa_months.month and agent_months.agent_id = qa_months.agent_id
    left join survey_months
        on agent_months.month = survey_months.month and agent_months.agent_id = survey_months.agent_id
    left join leg_months
        on agent_months.month = leg_months.month and agent_months.agent_id = leg_months.agent_id
    left join fcr_months
        on agent_months.month = fcr_months.month and agent_months.agent_id = fcr_months.agent_id
    left join cost_months
        on agent_months.month = cost_months.month and agent_months.agent_id = cost_months.agent_id
    left join agents
        on agent_months.agent_id = agents.agent_id
)

select
    month,
    cast(agent_id as {{ dbt.type_string() }}) as agent_id,
    cast(evaluations as {{ dbt.type_bigint() }}) as evaluations,
    cast(empathy_mean as {{ cx_metrics.type_double() }}) as empathy_mean,
    cast(compliance_rate as {{ cx_metrics.type_double() }}) as compliance_rate,
    cast(csat as {{ cx_metrics.type_double() }}) as csat,
    cast(nps as {{ cx_metrics.type_double() }}) as nps,
    cast(aht_seconds as {{ cx_metrics.type_double() }}) as aht_seconds,
    cast(fcr_rate as {{ cx_metrics.type_double() }}) as fcr_rate,
    cast(work_cost as {{ cx_metrics.type_double() }}) as work_cost
from joined
