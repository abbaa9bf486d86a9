{#- an event is affected by its own new rows and by its ticket's; a scope model lists
    the affected keys once (macros/incremental/incremental.sql) -#}
{%- set reloaded_ticket = [('ticket_id', 'helpdesk', 'tickets', 'ticket_id')] -%}
{%- set scope_model = 'base_incremental_scope__ticket_events' -%}
{{ cx_metrics.base_model_config(
    'helpdesk', 'ticket_events', 'event_id', also=reloaded_ticket, scope_model=scope_model
) }}

{#-
    The one staging model that looks at another table: "an event dated before
    its ticket was created" is a row-level validity rule of the contract, and
    it needs the ticket's created_at. It reads the clean staged tickets only.

    Like every base model it carries the ids as staging writes them
    (`*__staged`: trimmed, blank = null, from ranked_copies):
    stg_helpdesk__ticket_events is a view that keeps the clean rows of this
    table, so the event log (85 million rows at ten million contacts) is written
    once, not twice (issue 15).
-#}

with

source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('helpdesk', 'ticket_events', 'event_id', also=reloaded_ticket, scope_model=scope_model),
        'event_id',
        '_loaded_at desc',
        source_table=('helpdesk', 'ticket_events')
    ) }}
),

tickets as (
    select
        ticket_id,
        created_at
    from {{ ref('stg_helpdesk__tickets') }}
),

event_type_map as (
    {{ cx_metrics.enum_map('event_type') }}
),

status_map as (
    {{ cx_metrics.enum_map('ticket_status') }}
),

normalised as (
    select
        source.*,
        {{ cx_metrics.enum_value('event_type_map', 'source.event_type') }} as event_type__normalised,
        {{ cx_metrics.enum_value('status_map', 'source.new_status') }} as new_status__normalised,
        tickets.created_at as ticket_created_at
    from source
    -- a row without a key is quarantined whatever its ticket: it never looks it up,
    -- so a ticket loaded again leaves it as it is (macros/incremental/incremental.sql)
    left join tickets
        on
            source.ticket_id__staged = tickets.ticket_id
            and source.event_id__staged is not null
    left join event_type_map
        on {{ cx_metrics.enum_key('source.event_type') }} = event_type_map.raw_value
    left join status_map
        on {{ cx_metrics.enum_key('source.new_status') }} = status_map.raw_value
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('event_id') }} or event_at is null then 'missing_key'
            when ticket_created_at is null then 'ticket_not_found'
            when time_spent_seconds < 0 then 'negative_duration'
            when event_at < ticket_created_at then 'event_before_ticket'
        end as _quarantine_reason
    from normalised
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('ticket_events') }}
