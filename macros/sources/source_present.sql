{#
    Which raw tables are present (README "Bring your own data", DECISIONLOG.md).

    A raw table is present when var using_<table> says so (true/false, one var
    per contract table, as dbt_zendesk's using_* vars); when that var is null
    (the default), when the loader's record raw.cx_loaded_tables says it was
    loaded with rows; when there is no record (raw tables written by other
    means), when the raw table exists.

    An absent table is never disabled: its relation still exists (the loader
    creates it empty with the contract's columns) and base models keep none of
    its rows, so every model builds, every mart exists, and a metric that needs
    it has no rows to count: null, never zero.

    The record is read at run time (run_query); at parse time (execute is
    false) and in unit tests (whose inputs are given by hand) every table
    counts as present, so the DAG, refs and sources never depend on the data
    loaded, and unit tests never on the warehouse.
#}

{% macro present_tables() -%}
    {%- set tables = cx_metrics.contract_tables() -%}
    {#- A unit test gives its inputs by hand: every table is present there. -#}
    {%- if model is mapping and model.get('resource_type') == 'unit_test' -%}
        {{ return(tables.keys() | list) }}
    {%- endif -%}
    {%- set present = [] -%}
    {%- set recorded = {} -%}
    {%- set needs_lookup = [] -%}
    {%- for table_name in tables -%}
        {%- if var('using_' ~ table_name, none) is none -%}
            {%- do needs_lookup.append(table_name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if execute and needs_lookup -%}
        {%- set record = source('cx_loader', 'cx_loaded_tables') -%}
        {%- set record_relation = adapter.get_relation(
            database=record.database, schema=record.schema, identifier=record.identifier) -%}
        {%- if record_relation is not none -%}
            {%- set result = run_query('select table_name, is_present from ' ~ record_relation) -%}
            {%- for row in result.rows -%}
                {%- do recorded.update({row[0]: row[1] in (true, 1, 'true', 'True')}) -%}
            {%- endfor -%}
        {%- else -%}
            {%- for table_name in needs_lookup -%}
                {%- set raw = source(tables[table_name], table_name) -%}
                {%- do recorded.update({table_name: adapter.get_relation(
                    database=raw.database, schema=raw.schema, identifier=raw.identifier) is not none}) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {%- for table_name in tables -%}
        {%- set override = var('using_' ~ table_name, none) -%}
        {%- if override is not none -%}
            {%- set is_present = override in (true, 'true', 'True') -%}
        {%- elif execute -%}
            {%- set is_present = recorded.get(table_name, false) -%}
        {%- else -%}
            {%- set is_present = true -%}
        {%- endif -%}
        {%- if is_present -%}{%- do present.append(table_name) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(present) }}
{%- endmacro %}

{% macro source_present(table_name) -%}
    {{ return(table_name in cx_metrics.present_tables()) }}
{%- endmacro %}

{#
    A boolean SQL literal for the rows of a base model: `true` when its raw table
    is present, else `false` (the base model keeps none of its rows).
#}
{% macro keep_when_present(table_name) -%}
    {{ 'true' if cx_metrics.source_present(table_name) else 'false' }}
{%- endmacro %}

{#
    The contract's raw tables, table -> source: the one list dbt reads (audit__row_reconciliation,
    present_tables). cx_metrics/contract.py holds the same tables with their columns for the
    Python side; tests/python/test_raw_table_lists.py fails when this list, contract.py, the
    sources YAML or the using_<table> vars of dbt_project.yml disagree.
#}
{% macro contract_tables() -%}
    {{ return({
        'customers': 'commerce',
        'products': 'commerce',
        'orders': 'commerce',
        'returns': 'commerce',
        'agents': 'workforce',
        'tickets': 'helpdesk',
        'ticket_events': 'helpdesk',
        'calls': 'telephony',
        'survey_responses': 'surveys',
        'qa_evaluations': 'quality',
        'social_mentions': 'social',
    }) }}
{%- endmacro %}

{#
    Counts and sums over a source that may be absent. A day or month with no rows
    of a present source counts 0; when every one of `any_of` is absent, the count
    is unknown: null, never 0 (so are the rates over it, through safe_divide).
        zero_if_present('leg_days.answered_legs', ['calls'])
          present: coalesce(leg_days.answered_legs, 0)
          absent:  case when false then leg_days.answered_legs end   (null, same type)
    null_if_absent(expression, any_of) is the same without the coalesce (for an
    aggregate that already gives 0 over no rows, such as count()).
#}
{% macro any_present(any_of) -%}
    {%- set needs = [any_of] if any_of is string else any_of -%}
    {%- set present = cx_metrics.present_tables() -%}
    {%- set found = [] -%}
    {%- for table_name in needs if table_name in present -%}
        {%- do found.append(table_name) -%}
    {%- endfor -%}
    {{ return(found | length > 0) }}
{%- endmacro %}

{% macro zero_if_present(expression, any_of) -%}
    {%- if cx_metrics.any_present(any_of) -%}
        coalesce({{ expression }}, 0)
    {%- else -%}
        case when false then {{ expression }} end
    {%- endif -%}
{%- endmacro %}

{% macro null_if_absent(expression, any_of) -%}
    {%- if cx_metrics.any_present(any_of) -%}
        {{ expression }}
    {%- else -%}
        case when false then {{ expression }} end
    {%- endif -%}
{%- endmacro %}
