{# The ticket events whose time_spent_seconds is agent work (docs/metrics.md: agent work time). #}
{% macro is_agent_work_event(event_type_column='event_type') -%}
    {{ event_type_column }} in ('agent_reply', 'internal_note')
{%- endmacro %}
