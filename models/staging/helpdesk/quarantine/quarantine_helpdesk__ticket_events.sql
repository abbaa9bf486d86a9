{{ config(schema='quarantine', materialized='table') }}

{{ cx_metrics.quarantine_rows('base_helpdesk__ticket_events', 'helpdesk', 'ticket_events', 'event_id') }}
