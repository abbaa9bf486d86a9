{{ cx_metrics.base_model_config('helpdesk', 'tickets', 'ticket_id') }}

with

-- a ticket is re-extracted whenever it changes: the latest update wins
source as (
    {{ cx_metrics.ranked_copies(
        cx_metrics.base_rows('helpdesk', 'tickets', 'ticket_id'), 'ticket_id', 'updated_at desc, _loaded_at desc',
        source_table=('helpdesk', 'tickets')
    ) }}
),

channel_map as (
    {{ cx_metrics.enum_map('channel') }}
),

category_map as (
    {{ cx_metrics.enum_map('category') }}
),

priority_map as (
    {{ cx_metrics.enum_map('priority') }}
),

status_map as (
    {{ cx_metrics.enum_map('ticket_status') }}
),

normalised as (
    select
        source.*,
        {{ cx_metrics.enum_value('channel_map', 'source.channel') }} as channel__normalised,
        {{ cx_metrics.enum_value('category_map', 'source.category') }} as category__normalised,
        {{ cx_metrics.enum_value('priority_map', 'source.priority') }} as priority__normalised,
        {{ cx_metrics.enum_value('status_map', 'source.status') }} as status__normalised
    from source
    left join channel_map
        on {{ cx_metrics.enum_key('source.channel') }} = channel_map.raw_value
    left join category_map
        on {{ cx_metrics.enum_key('source.category') }} = category_map.raw_value
    left join priority_map
        on {{ cx_metrics.enum_key('source.priority') }} = priority_map.raw_value
    left join status_map
        on {{ cx_metrics.enum_key('source.status') }} = status_map.raw_value
),

checked as (
    select
        *,
        case
            when {{ cx_metrics.lacks_key('ticket_id') }} or created_at is null then 'missing_key'
            when solved_at < created_at then 'solved_before_created'
        end as _quarantine_reason
    from normalised
)

-- none of an absent source's rows (macros/sources/source_present.sql)
select * from checked
where {{ cx_metrics.keep_when_present('tickets') }}
