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
