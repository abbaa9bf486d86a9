{{ cx_metrics.quarantine_rows('base_helpdesk__tickets', 'helpdesk', 'tickets', 'ticket_id') }}
