"""cx_metrics: contact-center metric marts built with dbt."""
