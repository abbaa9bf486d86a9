{{ cx_metrics.quarantine_rows('base_commerce__products', 'commerce', 'products', 'product_id') }}
