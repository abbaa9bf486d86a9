{{ config(schema='build_scope') }}

{#-
    The customers whose repeats an incremental build finds again in
    input_contact_repeats (macros/incremental/incremental.sql): the customers
    of the rebuilt contacts, as they are now and as they were in the published
    build (a contact that moved to another customer changes both customers'
    repeat chains). Repeats do not depend on as_of. The published outcomes are
    read directly (previous_relation): fct_contact_outcomes is rebuilt after
    this model. Empty in a full build. In build_scope, a schema no report reads.
-#}

{%- set previous_outcomes = cx_metrics.previous_relation('fct_contact_outcomes', 'marts') %}

-- the refs of the incremental branch, which dbt's parse does not render
-- depends_on: {{ ref('fct_contacts') }}
-- depends_on: {{ ref('int_incremental_scope__contacts') }}

with

{% if previous_outcomes is not none %}

contact_scope as (
    select contact_id from {{ ref('int_incremental_scope__contacts') }}
),

customers_now as (
    select contacts.customer_id
    from {{ ref('fct_contacts') }} as contacts
    inner join contact_scope
        on contacts.contact_id = contact_scope.contact_id
),

customers_before as (
    select outcomes.customer_id
    from {{ previous_outcomes }} as outcomes
    inner join contact_scope
        on outcomes.contact_id = contact_scope.contact_id
),

customers as (
    select customer_id from customers_now
    union
    select customer_id from customers_before
)

{{ cx_metrics.scope_keys('customer_id', 'customers') }}

{% else %}

{{ cx_metrics.empty_scope('customer_id') }}

{% endif %}
