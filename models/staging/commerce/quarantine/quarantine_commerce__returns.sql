{{ cx_metrics.quarantine_rows('base_commerce__returns', 'commerce', 'returns', 'return_id') }}
