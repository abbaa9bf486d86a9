{{ config(schema='build_scope') }}

{#-
    The contacts an incremental build rebuilds in fct_contact_outcomes
    (macros/incremental/incremental.sql): the rebuilt contacts, every contact
    of a customer whose repeats were found again, and the contacts whose repeat
    window ends between the previous build's as_of and this one's (pending
    until then, evaluable from then). Empty in a full build. In build_scope, a
    schema no report reads.
-#}

-- the refs of the incremental branch, which dbt's parse does not render
-- depends_on: {{ ref('fct_contacts') }}
-- depends_on: {{ ref('int_as_of') }}
-- depends_on: {{ ref('int_incremental_scope__contacts') }}
-- depends_on: {{ ref('input_incremental_scope__customers') }}

with

{% if cx_metrics.new_loads_from() is not none %}

contacts as (
    select
        contact_id,
        customer_id,
        {{ dbt.dateadd('day', var('repeat_window_days'), 'started_at') }} as window_ends_at
    from {{ ref('fct_contacts') }}
),

as_of_window as (
    {{ cx_metrics.as_of_window_row() }}
),

affected as (
    select contact_id from {{ ref('int_incremental_scope__contacts') }}
    union
    select contacts.contact_id
    from contacts
    inner join {{ ref('input_incremental_scope__customers') }} as customers
        on contacts.customer_id = customers.customer_id
    union
    select contacts.contact_id
    from contacts
    cross join as_of_window
    where {{ cx_metrics.in_as_of_window('contacts.window_ends_at') }}
)

{{ cx_metrics.scope_keys('contact_id', 'affected') }}

{% else %}

{{ cx_metrics.empty_scope('contact_id') }}

{% endif %}
