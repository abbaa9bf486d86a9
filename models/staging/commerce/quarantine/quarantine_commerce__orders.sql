{{ cx_metrics.quarantine_rows('base_commerce__orders', 'commerce', 'orders', 'order_id') }}
