{#-
    The instant the build reports up to: var('as_of') when set, else the latest
    business timestamp in the clean staged data (never the wall clock, never
    _loaded_at), so two builds of the same data give the same numbers. Only
    present sources count: an absent one (macros/sources/source_present.sql)
    has no staged rows, so its max() is null and drops out.
-#}
{%- set as_of_override = 'cast(null as ' ~ dbt.type_timestamp() ~ ')' %}
{%- if var('as_of') is not none %}
{%- set as_of_override = "cast('" ~ var('as_of') ~ "' as " ~ dbt.type_timestamp() ~ ")" %}
{%- endif %}

with

calls as (
    select * from {{ ref('stg_telephony__calls') }}
),

tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
),

ticket_events as (
    select * from {{ ref('stg_helpdesk__ticket_events') }}
),

survey_responses as (
    select * from {{ ref('stg_surveys__survey_responses') }}
),

qa_evaluations as (
    select * from {{ ref('stg_quality__qa_evaluations') }}
),

social_mentions as (
    select * from {{ ref('stg_social__social_mentions') }}
),

orders as (
    select * from {{ ref('stg_commerce__orders') }}
),

returns as (
    select * from {{ ref('stg_commerce__returns') }}
),

business_timestamps as (
    select max(calls.ended_at) as latest_at from calls
    union all
    select max(tickets.updated_at) as latest_at from tickets
    union all
    select max(tickets.solved_at) as latest_at from tickets
    union all
    select max(ticket_events.event_at) as latest_at from ticket_events
    union all
    select max(survey_responses.responded_at) as latest_at from survey_responses
    union all
    select max(qa_evaluations.evaluated_at) as latest_at from qa_evaluations
    union all
    select max(social_mentions.posted_at) as latest_at from social_mentions
    union all
    select max(orders.ordered_at) as latest_at from orders
    union all
    select max(returns.returned_at) as latest_at from returns
),

latest as (
    select max(business_timestamps.latest_at) as latest_at
    from business_timestamps
),

resolved as (
    select
        coalesce({{ as_of_override }}, latest.latest_at) as as_of,
        case
            when {{ as_of_override }} is null then 'latest_business_timestamp'
            else 'var'
        end as as_of_source
    from latest
)

select
    as_of,
    as_of_source
from resolved
