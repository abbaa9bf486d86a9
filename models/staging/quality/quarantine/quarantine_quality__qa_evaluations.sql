{{ cx_metrics.quarantine_rows('base_quality__qa_evaluations', 'quality', 'qa_evaluations', 'evaluation_id') }}
