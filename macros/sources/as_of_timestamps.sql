{#
    The business timestamps that define as_of, (table, column): int_as_of takes
    the latest of them over the clean staged rows of the present sources. The
    one list dbt reads; cx_metrics/contract.py holds the same list as
    BUSINESS_TIMESTAMPS for the raw quality suite (the freshness reference), and
    tests/python/test_as_of_timestamp_lists.py fails when the two disagree.
#}
{% macro as_of_timestamps() -%}
    {{ return([
        ('calls', 'ended_at'),
        ('tickets', 'updated_at'),
        ('tickets', 'solved_at'),
        ('ticket_events', 'event_at'),
        ('survey_responses', 'responded_at'),
        ('qa_evaluations', 'evaluated_at'),
        ('social_mentions', 'posted_at'),
        ('orders', 'ordered_at'),
        ('returns', 'returned_at'),
    ]) }}
{%- endmacro %}
