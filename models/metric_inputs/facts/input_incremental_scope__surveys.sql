{{ config(schema='build_scope') }}

{#-
    The survey responses an incremental build rebuilds in fct_survey_responses
    (macros/incremental/incremental.sql): a response is attributed to a contact
    through its call leg's chain or its case ticket's first contact, and takes
    that contact's channel, category and agent. Rebuilt:
    - a response loaded again (every copy of its key);
    - a response whose call leg is rebuilt (int_incremental_scope__calls: whole
      chains, so a re-rooted chain moves the response to its new contact);
    - a response whose ticket is the case of a rebuilt contact as it is now (a
      new first contact of the case, or one that moved);
    - a response the published build attributed to a rebuilt contact (the
      contact changed or vanished).
    fct_survey_responses keeps responses answered up to as_of, which moves
    nothing here: int_as_of counts responded_at, so every clean response is
    at or before it, and a var('as_of') is part of the build's fingerprint.
    The published responses are read directly (previous_relation):
    fct_survey_responses is rebuilt after this model. Empty in a full build.
    In build_scope, a schema no report reads.
-#}

{%- set previous_responses = cx_metrics.previous_relation('fct_survey_responses', 'marts') %}

-- the refs of the incremental branch, which dbt's parse does not render
-- depends_on: {{ ref('base_surveys__survey_responses') }}
-- depends_on: {{ ref('fct_contacts') }}
-- depends_on: {{ ref('int_incremental_scope__calls') }}
-- depends_on: {{ ref('int_incremental_scope__contacts') }}
-- depends_on: {{ ref('stg_surveys__survey_responses') }}

with

{% if previous_responses is not none %}

responses as (
    select
        response_id,
        call_id,
        ticket_id
    from {{ ref('stg_surveys__survey_responses') }}
),

base_responses as (
    select
        response_id__staged as response_id,
        _load_seq
    from {{ ref('base_surveys__survey_responses') }}
),

previous_responses as (
    select
        response_id,
        contact_id
    from {{ previous_responses }}
),

contact_scope as (
    select contact_id from {{ ref('int_incremental_scope__contacts') }}
),

call_scope as (
    select call_id from {{ ref('int_incremental_scope__calls') }}
),

reloaded_responses as (
    select response_id
    from base_responses
    where {{ cx_metrics.is_new_load() }}
),

cases_of_rebuilt_contacts as (
    select contacts.ticket_id
    from {{ ref('fct_contacts') }} as contacts
    inner join contact_scope
        on contacts.contact_id = contact_scope.contact_id
    where contacts.ticket_id is not null
),

affected as (
    select response_id from reloaded_responses
    union
    select responses.response_id
    from responses
    inner join call_scope
        on responses.call_id = call_scope.call_id
    union
    select responses.response_id
    from responses
    inner join cases_of_rebuilt_contacts
        on responses.ticket_id = cases_of_rebuilt_contacts.ticket_id
    union
    select previous_responses.response_id
    from previous_responses
    inner join contact_scope
        on previous_responses.contact_id = contact_scope.contact_id
)

{{ cx_metrics.scope_keys('response_id', 'affected') }}

{% else %}

{{ cx_metrics.empty_scope('response_id') }}

{% endif %}
