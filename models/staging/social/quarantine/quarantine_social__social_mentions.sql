{{ cx_metrics.quarantine_rows('base_social__social_mentions', 'social', 'social_mentions', 'mention_id') }}
