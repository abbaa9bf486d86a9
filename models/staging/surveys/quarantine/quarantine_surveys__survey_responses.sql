{{ cx_metrics.quarantine_rows('base_surveys__survey_responses', 'surveys', 'survey_responses', 'response_id') }}
