{{ cx_metrics.quarantine_rows('base_workforce__agents', 'workforce', 'agents', 'agent_id') }}
