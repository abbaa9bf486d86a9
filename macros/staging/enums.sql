{#
    Enum normalisation through the seed `enum_mappings` (enum_name, raw_value,
    canonical_value). Raw spellings are compared after lower(trim()), so the seed
    lists each spelling once in lower case. A spelling the seed lacks becomes
    `other` (and shows up in audit__unmapped_enum_values); a null stays null.
#}

{% macro enum_key(column) -%}
    lower(trim({{ column }}))
{%- endmacro %}

{# The seed rows of one enum, for a left join on raw_value = enum_key(column). #}
{% macro enum_map(enum_name) -%}
    select
        raw_value,
        canonical_value
    from {{ ref('enum_mappings') }}
    where enum_name = '{{ enum_name }}'
{%- endmacro %}

{# The canonical value: the mapping if one exists, `other` for an unknown spelling. #}
{% macro enum_value(map_alias, column) -%}
    case
        when {{ column }} is null then null
        when {{ map_alias }}.canonical_value is not null then {{ map_alias }}.canonical_value
        else 'other'
    end
{%- endmacro %}

{#
    The raw enum columns, (source, table, column, enum_name): the one list dbt
    reads (audit__unmapped_enum_values). Each base model normalises its columns
    of this list through enum_map/enum_value, and cx_metrics/contract.py holds
    the same list as ENUM_COLUMNS for the raw quality suite;
    tests/python/test_enum_column_lists.py fails when the three disagree.
#}
{% macro enum_columns() -%}
    {{ return([
        ('helpdesk', 'tickets', 'channel', 'channel'),
        ('helpdesk', 'tickets', 'category', 'category'),
        ('helpdesk', 'tickets', 'priority', 'priority'),
        ('helpdesk', 'tickets', 'status', 'ticket_status'),
        ('helpdesk', 'ticket_events', 'event_type', 'event_type'),
        ('helpdesk', 'ticket_events', 'new_status', 'ticket_status'),
        ('telephony', 'calls', 'direction', 'direction'),
        ('telephony', 'calls', 'disposition', 'disposition'),
        ('surveys', 'survey_responses', 'survey_type', 'survey_type'),
        ('commerce', 'customers', 'segment', 'segment'),
        ('commerce', 'returns', 'reason', 'return_reason'),
        ('social', 'social_mentions', 'sentiment', 'sentiment'),
    ]) }}
{%- endmacro %}
