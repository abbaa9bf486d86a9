{{ cx_metrics.quarantine_rows('base_commerce__customers', 'commerce', 'customers', 'customer_id') }}
