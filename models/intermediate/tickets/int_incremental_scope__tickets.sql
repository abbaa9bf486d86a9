{{ config(schema='build_scope') }}

{#-
    The tickets an incremental build rebuilds (macros/incremental/incremental.sql):
    every ticket a new raw row touches, as it is now and as it was.
    - a ticket loaded again: its key (its created_at, its validity may change,
      and with them its events' quarantine status);
    - an event staged again (a new event, or an event of a ticket loaded
      again): the ticket of every copy of its key, so an event that moved to
      another ticket rebuilds both;
    - as_of moved: a ticket created, solved or with an event between the previous
      as_of and this one (the ticket models keep what happened up to as_of).
    Empty in a full build. In build_scope, a schema no report reads.
-#}


-- the refs of the incremental branch, which dbt's parse does not render
-- depends_on: {{ ref('base_helpdesk__ticket_events') }}
-- depends_on: {{ ref('base_helpdesk__tickets') }}
-- depends_on: {{ ref('int_as_of') }}
-- depends_on: {{ ref('stg_helpdesk__ticket_events') }}
-- depends_on: {{ ref('stg_helpdesk__tickets') }}

with

{% if cx_metrics.new_loads_from() is not none %}

tickets as (
    select
        ticket_id,
        created_at,
        solved_at
    from {{ ref('stg_helpdesk__tickets') }}
),

base_tickets as (
    select
        ticket_id__staged as ticket_id,
        _load_seq
    from {{ ref('base_helpdesk__tickets') }}
),

as_of_window as (
    {{ cx_metrics.as_of_window_row() }}
),

reloaded_tickets as (
    select ticket_id
    from base_tickets
    where {{ cx_metrics.is_new_load() }}
),

tickets_of_new_events as (
    -- the ticket of every copy of an event key staged again: the new loads' keys, and
    -- those of a reloaded ticket's events (already here); read at the end of the log
    select base_events.ticket_id__staged as ticket_id
    from {{ ref('base_helpdesk__ticket_events') }} as base_events
    where {{ cx_metrics.staged_this_build('base_events._staged_by_build') }}
),

tickets_in_as_of_window as (
    select tickets.ticket_id
    from tickets
    cross join as_of_window
    where {{ cx_metrics.in_as_of_window('tickets.created_at') }}
        or {{ cx_metrics.in_as_of_window('tickets.solved_at') }}
),

events_in_as_of_window as (
    select ticket_events.ticket_id
    from {{ ref('stg_helpdesk__ticket_events') }} as ticket_events
    cross join as_of_window
    where {{ cx_metrics.in_as_of_window('ticket_events.event_at') }}
),

affected as (
    select ticket_id from reloaded_tickets
    union
    select ticket_id from tickets_of_new_events
    union
    select ticket_id from tickets_in_as_of_window
    union
    select ticket_id from events_in_as_of_window
)

{{ cx_metrics.scope_keys('ticket_id', 'affected') }}

{% else %}

{{ cx_metrics.empty_scope('ticket_id') }}

{% endif %}
