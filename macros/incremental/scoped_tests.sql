{#
    Data tests in an incremental build (issue 16, README "Incremental builds").

    dbt hands every generic test its model through get_where_subquery; this
    override narrows it, in a scoped build only, to the rows the build rebuilt
    when the test cannot fail on any other row:
    - the test checks each row alone (not_null, accepted_values, accepted_range,
      expression_is_true), or its keys are the rows' key (unique on the key, a
      grain that includes it: every copy of a rebuilt key is rebuilt together);
    - the model is an incremental one whose rows are rebuilt by key (its config
      meta `cx_rebuilt_by`, set by base_model_config and scoped_model_config), or
      a staging view of such a base model, rebuilt with it.
    A base model's rows (and its staging view's) are those it staged again,
    read at the end of its table by `_staged_by_build` (incremental.sql); a
    scoped model's, those of its scope model's keys.
    Every other row is as the published build left it, whose tests passed. Such a
    test checks fewer rows than a full build's, and says so: the README, and a
    comment in its compiled SQL. Tests across rows of several keys or models
    (relationships, has_no_rows, singular tests) read whole tables.
#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set rebuilt = cx_metrics.rebuilt_rows_condition(model) -%}
    {%- set conditions = [] -%}
    {%- if where -%}{%- do conditions.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- if rebuilt -%}{%- do conditions.append('(' ~ rebuilt ~ ')') -%}{%- endif -%}
    {%- if conditions -%}
        {%- set note = '/* the rows this incremental build rebuilt only (macros/incremental/scoped_tests.sql) */ ' if rebuilt else '' -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ note ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{# The tests that only rows sharing a key can fail together (`key`: the rows' key). #}
{% macro is_key_local_test(test_metadata, column_name, key) -%}
    {%- set name = test_metadata.get('name') -%}
    {%- set kwargs = test_metadata.get('kwargs', {}) -%}
    {%- if name in ['not_null', 'accepted_values', 'accepted_range'] -%}
        {{ return(true) }}
    {%- elif name == 'expression_is_true' -%}
        {#- a row's own columns; a subquery could read other rows -#}
        {{ return('select' not in (kwargs.get('expression', '') ~ kwargs.get('where_clause', '')) | lower) }}
    {%- elif name == 'unique' -%}
        {{ return(column_name == key) }}
    {%- elif name == 'unique_combination_of_columns' -%}
        {{ return(key in kwargs.get('combination_of_columns', [])) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}

{#
    The condition that keeps the rows a scoped build rebuilt in a test's model, or
    none: a full build, a test not key-local, a model not rebuilt by key.
#}
{% macro rebuilt_rows_condition(test_node) -%}
    {%- if not execute or not cx_metrics.is_scoped_build() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set test_metadata = test_node.get('test_metadata') or {} -%}
    {%- set tested = graph.nodes.get(test_node.get('attached_node')) -%}
    {%- if not test_metadata or tested is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rebuilt_by = cx_metrics.rebuilt_by(tested) -%}
    {%- if rebuilt_by is none
        or not cx_metrics.is_key_local_test(test_metadata, test_node.get('column_name'), rebuilt_by.key) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if rebuilt_by.get('source') -%}
        {#- a base model or its staging view: the rows staged again, at the end of the table -#}
        {{ return(cx_metrics.staged_this_build()) }}
    {%- endif -%}
    {%- set keys -%}
        select scope.{{ rebuilt_by.key }}
        from {{ graph.nodes['model.' ~ project_name ~ '.' ~ rebuilt_by.scope_model].relation_name }} as scope
    {%- endset -%}
    {#- a row without a key is no published row's: it is always read (not_null on the key can fail) -#}
    {{ return('(' ~ rebuilt_by.key ~ ' in (' ~ keys ~ ') or ' ~ rebuilt_by.key ~ ' is null)') }}
{%- endmacro %}

{#
    How a model's rows are rebuilt: its own `cx_rebuilt_by` meta (key, and
    scope_model or source), or a staging view's base model's: a stg_ view keeps
    its base table's clean rows under the same key.
#}
{% macro rebuilt_by(node) -%}
    {%- set own = node.config.get('meta', {}).get('cx_rebuilt_by') -%}
    {%- if own -%}
        {{ return(own) }}
    {%- endif -%}
    {%- if node.config.get('materialized') == 'view' and node.name.startswith('stg_') -%}
        {%- set base = graph.nodes.get('model.' ~ project_name ~ '.base_' ~ node.name[4:]) -%}
        {%- if base is not none and base.unique_id in node.depends_on.nodes -%}
            {{ return(base.config.get('meta', {}).get('cx_rebuilt_by')) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}
