{{ config(schema='build_scope') }}

{#-
    The contacts an incremental build rebuilds in fct_contacts
    (macros/incremental/incremental.sql), as contact ids:
    - call contacts: every leg of the call scope is a possible root, as it was
      and as it is (whole chains are in that scope); and the chains with a leg on
      a ticket of the ticket scope (the case ticket gives category and customer);
    - ticket contacts: the tickets of the ticket scope, and every ticket a copy
      of a rebuilt leg names (a ticket no chain names any more becomes a contact
      of its own, and one a chain names now stops being one);
    - the contacts of a customer loaded again (is_known_customer): the chains
      with a leg or a case ticket of theirs, and their tickets.
    Empty in a full build. In build_scope, a schema no report reads.
-#}


-- the refs of the incremental branch, which dbt's parse does not render
-- depends_on: {{ ref('base_commerce__customers') }}
-- depends_on: {{ ref('base_telephony__calls') }}
-- depends_on: {{ ref('int_call_chains') }}
-- depends_on: {{ ref('int_incremental_scope__calls') }}
-- depends_on: {{ ref('int_incremental_scope__tickets') }}
-- depends_on: {{ ref('stg_helpdesk__tickets') }}

with

{% if cx_metrics.new_loads_from() is not none %}

call_scope as (
    select call_id from {{ ref('int_incremental_scope__calls') }}
),

ticket_scope as (
    select ticket_id from {{ ref('int_incremental_scope__tickets') }}
),

chains as (
    select
        call_id,
        root_call_id,
        ticket_id,
        customer_id
    from {{ ref('int_call_chains') }}
),

tickets as (
    select
        ticket_id,
        customer_id
    from {{ ref('stg_helpdesk__tickets') }}
),

reloaded_customers as (
    select distinct customer_id__staged as customer_id
    from {{ ref('base_commerce__customers') }}
    where {{ cx_metrics.is_new_load() }}
),

tickets_of_reloaded_customers as (
    select tickets.ticket_id
    from tickets
    inner join reloaded_customers
        on tickets.customer_id = reloaded_customers.customer_id
),

case_tickets as (
    select ticket_id from ticket_scope
    union
    select ticket_id from tickets_of_reloaded_customers
),

tickets_named_by_rebuilt_legs as (
    select distinct base_calls.ticket_id__staged as ticket_id
    from {{ ref('base_telephony__calls') }} as base_calls
    inner join call_scope
        on base_calls.call_id__staged = call_scope.call_id
),

roots as (
    select call_id as root_call_id from call_scope
    union
    select chains.root_call_id
    from chains
    inner join case_tickets
        on chains.ticket_id = case_tickets.ticket_id
    union
    select chains.root_call_id
    from chains
    inner join reloaded_customers
        on chains.customer_id = reloaded_customers.customer_id
),

ticket_contacts as (
    select ticket_id from case_tickets
    union
    select ticket_id from tickets_named_by_rebuilt_legs
),

contact_ids as (
    select {{ dbt.concat(["'call:'", 'root_call_id']) }} as contact_id
    from roots
    union
    select {{ dbt.concat(["'ticket:'", 'ticket_id']) }} as contact_id
    from ticket_contacts
)

{{ cx_metrics.scope_keys('contact_id', 'contact_ids') }}

{% else %}

{{ cx_metrics.empty_scope('contact_id') }}

{% endif %}
