{{ cx_metrics.quarantine_rows('base_telephony__calls', 'telephony', 'calls', 'call_id') }}
