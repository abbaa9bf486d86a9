{{ cx_metrics.scoped_model_config('response_id', 'input_incremental_scope__surveys') }}
{#-
    One row per clean survey response (docs/metrics.md: Experience). Transactional
    responses are attributed to the rated contact: the call chain of call_id
    (any leg of it), else the contact whose case is ticket_id (the ticket
    itself, or the first call chain that names it as its case). Relationship
    responses carry only the customer.
-#}
{%- set responses_tickets_only = 'ticket_id in (select responses.ticket_id from responses)'
    if cx_metrics.is_scoped() else 'true' -%}
with

responses as (
    select *
    from {{ ref('stg_surveys__survey_responses') }}
    -- an incremental build rebuilds the responses in scope (macros/incremental/incremental.sql)
    -- depends_on: {{ ref('input_incremental_scope__surveys') }}
    where {{ cx_metrics.in_scope('response_id', 'input_incremental_scope__surveys') }}
),

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

case_contacts as (
    select
        ticket_id,
        contact_id,
        row_number() over (partition by ticket_id order by started_at, contact_id) as case_rank
    from contacts
    where
        ticket_id is not null
        -- an incremental build ranks the contacts of the rebuilt responses' tickets only
        -- (whole partitions: every contact of such a ticket)
        and {{ responses_tickets_only }}
),

attributed as (
    select
        responses.response_id,
        responses.survey_type,
        responses.survey_kind,
        responses.customer_id,
        responses.call_id,
        responses.ticket_id,
        responses.responded_at,
        responses.score,
        case
            when responses.survey_kind = 'transactional'
                then coalesce(call_contacts.contact_id, case_contacts.contact_id)
        end as contact_id
    from responses
    left join call_legs
        on responses.call_id = call_legs.call_id
    left join contacts as call_contacts
        on call_legs.root_call_id = call_contacts.root_call_id
    left join case_contacts
        on responses.ticket_id = case_contacts.ticket_id and case_contacts.case_rank = 1
    where responses.responded_at <= (select as_of.as_of from as_of)
),

enriched as (
    select
        attributed.*,
        contacts.channel,
        contacts.category,
        contacts.agent_id
    from attributed
    left join contacts
        on attributed.contact_id = contacts.contact_id
)

select
    cast(response_id as {{ dbt.type_string() }}) as response_id,
    cast(survey_type as {{ dbt.type_string() }}) as survey_type,
    cast(survey_kind as {{ dbt.type_string() }}) as survey_kind,
    cast(customer_id as {{ dbt.type_string() }}) as customer_id,
    cast(call_id as {{ dbt.type_string() }}) as call_id,
    cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
    cast(contact_id as {{ dbt.type_string() }}) as contact_id,
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(category as {{ dbt.type_string() }}) as category,
    cast(agent_id as {{ dbt.type_string() }}) as agent_id,
    responded_at,
    {{ cx_metrics.reporting_date('responded_at') }} as responded_date,
    cast({{ dbt.date_trunc('month', cx_metrics.reporting_date('responded_at')) }} as date) as month,
    cast(score as {{ dbt.type_bigint() }}) as score,
    cast(
        case
            when survey_type = 'nps' and score >= 9 then 'promoter'
            when survey_type = 'nps' and score >= 7 then 'passive'
            when survey_type = 'nps' then 'detractor'
        end as {{ dbt.type_string() }}
    ) as nps_bucket,
    case when survey_type = 'csat' then score >= 4 end as is_csat_satisfied,
    case when survey_type = 'ces' then score >= 5 end as is_ces_easy
from enriched
