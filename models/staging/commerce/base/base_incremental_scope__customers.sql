{{ config(schema='build_scope', materialized='table') }}

{#-
    The customer ids an incremental build rebuilds in audit__orphan_customers
    and dim_customers (macros/incremental/incremental.sql): the customers
    loaded again, and the customer of every copy of a call, ticket, survey
    response or order key a new row carries, as the row is now and as it was
    (a row that moved to another customer, or was quarantined or cleaned, can
    make an id an orphan or stop it being one). It reads base models only, so
    the audit, built with staging, can use it. A table: the audit's pre-hook
    reads it. Empty in a full build. In build_scope, a schema no report reads.
-#}

-- the refs of the incremental branch, which dbt's parse does not render
-- depends_on: {{ ref('base_commerce__customers') }}
-- depends_on: {{ ref('base_commerce__orders') }}
-- depends_on: {{ ref('base_helpdesk__tickets') }}
-- depends_on: {{ ref('base_surveys__survey_responses') }}
-- depends_on: {{ ref('base_telephony__calls') }}

with

{% if cx_metrics.new_loads_from() is not none %}

affected as (
    {{ cx_metrics.column_of_staged_rows(ref('base_commerce__customers'), 'customer_id') }}
    union
    {{ cx_metrics.column_of_staged_rows(ref('base_telephony__calls'), 'customer_id') }}
    union
    {{ cx_metrics.column_of_staged_rows(ref('base_helpdesk__tickets'), 'customer_id') }}
    union
    {{ cx_metrics.column_of_staged_rows(ref('base_surveys__survey_responses'), 'customer_id') }}
    union
    {{ cx_metrics.column_of_staged_rows(ref('base_commerce__orders'), 'customer_id') }}
)

{{ cx_metrics.scope_keys('customer_id', 'affected') }}

{% else %}

{{ cx_metrics.empty_scope('customer_id') }}

{% endif %}
