{{ cx_metrics.quarantine_rows(
    'base_helpdesk__ticket_events', 'helpdesk', 'ticket_events', 'event_id',
    scope_model='base_incremental_scope__ticket_events',
) }}
