{{ config(schema='build_scope', materialized='table') }}

{#-
    The event keys an incremental build stages again in base_helpdesk__ticket_events
    (macros/incremental/incremental.sql): the keys the new loads' events carry,
    and every event key of a ticket loaded again (its created_at may change, and
    with it its events' quarantine status), each with every spelling its copies
    have in raw (`raw_event_id`: untrimmed). The base model then finds every copy
    of these keys in raw by its id as raw spells it: trimming 85 million ids (at
    ten million contacts) is what made reading raw slow. The published base
    table is read directly (previous_relation), for its trimmed and raw ids: the
    base model is rebuilt after this one. A table, not a view: the base model's
    pre-hook deletes the rows a view would read. Empty in a full build. In
    build_scope, a schema no report reads.
-#}

{%- set previous_events = cx_metrics.previous_relation('base_helpdesk__ticket_events', 'staging') %}

-- the refs of the incremental branch, which dbt's parse does not render
-- depends_on: {{ source('helpdesk', 'ticket_events') }}
-- depends_on: {{ source('helpdesk', 'tickets') }}

with

{% if previous_events is not none %}

new_events as (
    select
        event_id as raw_event_id,
        {{ cx_metrics.staged_key('event_id') }} as event_id
    from {{ source('helpdesk', 'ticket_events') }}
    where {{ cx_metrics.is_new_load() }}
),

events_of_reloaded_tickets as (
    select previous_events.event_id__staged as event_id
    from {{ previous_events }} as previous_events
    where previous_events.ticket_id__staged in (
        {{ cx_metrics.new_keys(source('helpdesk', 'tickets'), 'ticket_id') }}
    )
),

affected_keys as (
    select event_id from new_events
    union
    select event_id from events_of_reloaded_tickets
),

spellings as (
    select
        previous_events.event_id__staged as event_id,
        {{ cx_metrics.raw_id('event_id', 'previous_events') }} as raw_event_id
    from {{ previous_events }} as previous_events
    where previous_events.event_id__staged in (select affected_keys.event_id from affected_keys)

    union

    select
        new_events.event_id,
        new_events.raw_event_id
    from new_events
),

affected as (
    select
        event_id,
        raw_event_id
    from spellings
    where event_id is not null
)

{% else %}

nothing as (
    select
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_string() }}) as raw_event_id
),

affected as (
    select
        event_id,
        raw_event_id
    from nothing
    where event_id is not null
)

{% endif %}

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(raw_event_id as {{ dbt.type_string() }}) as raw_event_id
from affected
