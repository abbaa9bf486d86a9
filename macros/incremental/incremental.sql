{#
    Incremental builds (issue 16, README "Daily operation").

    The guarded build (cx_metrics/pipeline.py) decides whether a build can be
    incremental: the warehouse holds a published build of the same project and
    vars, and the load ledger's unbuilt loads are all appends. Then it passes,
    as environment variables of dbt's process,
        CX_NEW_LOADS_FROM   the lowest load_seq no published build covered: the
                            raw rows with _load_seq >= it are the new ones;
        CX_PREVIOUS_AS_OF   the as_of of the published build (int_as_of).
    Otherwise it sets both empty and runs dbt with --full-refresh. They are read
    while dbt runs the nodes, never while it parses the project: a --vars value
    that changes every day made dbt parse the whole project again on every build
    (5 s), an environment variable read only at run time leaves its saved parse
    valid. Parsing therefore sees the full build's branch of every model: a ref
    that only the scoped branch makes needs a `-- depends_on:` line.

    What a new row affects comes from the loaded data, never from the wall
    clock. Raw is append-only between full reloads and keeps every copy of a
    key, so the copies of a re-extracted key that are already loaded tell what
    the key looked like before (its old date, its old ticket, its old
    quarantine status): a model rebuilds every row of an affected key, old
    copies included, never only the new copy.

    Incremental models are DuckDB's only (materialization 'incremental', the
    'append' strategy after a pre-hook that deletes the affected keys, so a key
    that no longer yields a row leaves none). Postgres builds into fresh shadow
    schemas and Spark's parquet tables have no delete: both build full tables
    (DECISIONLOG.md, 2026-12-01).
#}

{# 'incremental' on DuckDB, 'table' elsewhere: the materialization of an incremental model. #}
{% macro incremental_materialization() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro %}

{# A setting of a scoped build (above), or none: unset, empty, or dbt parsing the project. #}
{% macro scoped_build_setting(name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = env_var(name, '') -%}
    {{ return(value if value != '' else none) }}
{%- endmacro %}

{# The lowest load_seq of the loads this build covers, or none (a full build). #}
{% macro new_loads_from() -%}
    {%- set value = cx_metrics.scoped_build_setting('CX_NEW_LOADS_FROM') -%}
    {{ return(none if value is none else value | int) }}
{%- endmacro %}

{# True when this model's table exists and it adds to it (never in a unit test, whose rows are given). #}
{% macro adds_to_table() -%}
    {%- if model is mapping and model.get('resource_type') == 'unit_test' -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(is_incremental()) }}
{%- endmacro %}

{# True in a build that rebuilds only the affected rows of DuckDB's incremental models. #}
{% macro is_scoped_build() -%}
    {{ return(cx_metrics.new_loads_from() is not none and cx_metrics.incremental_materialization() == 'incremental') }}
{%- endmacro %}

{# True when this model adds to its table and only the affected rows are rebuilt. #}
{% macro is_scoped() -%}
    {{ return(cx_metrics.new_loads_from() is not none and cx_metrics.adds_to_table()) }}
{%- endmacro %}

{# A raw row that came with a load this build covers. #}
{% macro is_new_load(load_seq_column='_load_seq') -%}
    {{ load_seq_column }} >= {{ cx_metrics.new_loads_from() | int }}
{%- endmacro %}

{# The staged keys (trimmed, blank = null) of a raw relation's new rows. #}
{% macro new_keys(relation, key_column) -%}
    select {{ cx_metrics.staged_key(key_column) }}
    from {{ relation }}
    where
        {{ cx_metrics.is_new_load() }}
        and {{ cx_metrics.staged_key(key_column) }} is not null
{%- endmacro %}

{#- The staged `column` of the rows a base model staged again in this build: its new rows and every copy of
    their keys, as each copy is now and as it was (`<column>__staged` and `_staged_by_build`: ranked_copies). -#}
{% macro column_of_staged_rows(relation, column) -%}
    select {{ cx_metrics.staged_key('copies.' ~ column, stored=true) }} as {{ column }}
    from {{ relation }} as copies
    where {{ cx_metrics.staged_this_build('copies._staged_by_build') }}
{%- endmacro %}

{#
    The rows of a base model an incremental build rebuilds: every copy of a key
    that a new row carries, and the new rows themselves (a row without a key is
    its own, quarantined as missing_key). `also` adds (column, source name,
    table, key) entries: a row is affected as well when its `column` is a new key
    of that raw table (an event whose ticket was loaded again), and with it every
    copy of its own key (an event that moved to another ticket: the copy on the
    reloaded ticket alone would rank first again). The same condition reads raw
    in the model and the model's own table in its pre-hook, whose columns are
    raw's.

    With a `scope_model` (a base_incremental_scope__* model), its keys are the
    affected ones, listed once with every spelling their copies have in raw
    (`raw_<key>`, untrimmed): the model holds the new keys and every key of a row
    whose `column` is a new key, so `also` is its business. Raw is then read by
    its own ids, untrimmed (trimming 85 million ids is slow). A row without a
    key then depends on nothing else (the base model does not look its ticket
    up). The base table, read in the pre-hook (`own_table`), is read by the
    staged ids it carries (`<column>__staged`, ranked_copies), with or without a
    scope model.
#}
{% macro affected_rows(source_name, table_name, key_column, also=[], scope_model=none, own_table=false) -%}
    {%- if scope_model is not none -%}
        {%- set key = cx_metrics.staged_key(key_column, stored=true) if own_table else key_column -%}
        {%- set scope_column = key_column if own_table else 'raw_' ~ key_column -%}
        (
            {{ cx_metrics.is_new_load() }}
            or {{ key }} in (
                select scope.{{ scope_column }} from {{ ref(scope_model) }} as scope
            )
        )
    {%- else -%}
        {#- the base table carries its ids staged (ranked_copies); raw's are trimmed here -#}
        {%- set key = cx_metrics.staged_key(key_column, stored=own_table) -%}
        (
            {{ cx_metrics.is_new_load() }}
            or {{ key }} in (
                {{ cx_metrics.new_keys(source(source_name, table_name), key_column) }}
            )
            {%- for column, other_source, other_table, other_key in also %}
            or {{ cx_metrics.staged_key(column, stored=own_table) }} in (
                {{ cx_metrics.new_keys(source(other_source, other_table), other_key) }}
            )
            or {{ key }} in (
                select {{ cx_metrics.staged_key(key_column) }}
                from {{ source(source_name, table_name) }}
                where {{ cx_metrics.staged_key(column) }} in (
                    {{ cx_metrics.new_keys(source(other_source, other_table), other_key) }}
                )
            )
            {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{# A base model's pre-hook: in a scoped build, delete the rows its select rebuilds. #}
{% macro delete_affected_rows(source_name, table_name, key_column, also=[], scope_model=none) -%}
    {%- if cx_metrics.is_scoped() -%}
        delete from {{ this }}
        where {{ cx_metrics.affected_rows(source_name, table_name, key_column, also, scope_model, own_table=true) }}
    {%- else -%}
        {{ cx_metrics.delete_when_unscoped() }}
    {%- endif -%}
{%- endmacro %}

{#
    An incremental model's table exists but the build is not scoped (a plain
    `dbt build` without the guarded build's vars): every row is rebuilt, so the
    pre-hook empties the table first; the guarded build runs --full-refresh then.
#}
{% macro delete_when_unscoped() -%}
    {%- if cx_metrics.adds_to_table() and not cx_metrics.is_scoped() -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{#
    The config of a model rebuilt by key: incremental on DuckDB ('table'
    elsewhere), appended to after a pre-hook that deletes what it rebuilds. The
    hook is Jinja text rendered when the model runs (is_incremental() is false
    while dbt parses): a call of `hook_macro` naming `hook_args` literally, those
    that are none left out (only the last may be: its default applies).
    `settings`: the model's other config (meta, schema).
#}
{% macro rebuilt_by_key_config(hook_macro, hook_args, settings={}) -%}
    {%- set hook = "{{ cx_metrics." ~ hook_macro ~ "(" ~ (hook_args | reject('none') | map('tojson') | join(', ')) ~ ") }}" -%}
    {%- set options = {
        'materialized': cx_metrics.incremental_materialization(),
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': hook,
    } -%}
    {%- do options.update(settings) -%}
    {{ config(options) }}
{%- endmacro %}

{# The config of a base model: rebuilt by key, with the pre-hook above. #}
{% macro base_model_config(source_name, table_name, key_column, also=[], scope_model=none) -%}
    {{ cx_metrics.rebuilt_by_key_config(
        'delete_affected_rows',
        [source_name, table_name, key_column, also, scope_model],
        {'meta': {'cx_rebuilt_by': {'key': key_column, 'source': [source_name, table_name], 'scope_model': scope_model}}},
    ) }}
{%- endmacro %}

{# The rows of a raw table a base model reads: all of them, or in a scoped build the affected ones. #}
{% macro base_rows(source_name, table_name, key_column, also=[], scope_model=none) -%}
    {#- every relation the condition may read is a dependency, scoped or not -#}
    {%- for column, other_source, other_table, other_key in also -%}
        {%- do source(other_source, other_table) -%}
    {%- endfor -%}
    {%- if scope_model is not none -%}
        {%- do ref(scope_model) -%}
    {%- endif -%}
    {%- if cx_metrics.is_scoped() -%}
        (
            select * from {{ source(source_name, table_name) }}
            where {{ cx_metrics.affected_rows(source_name, table_name, key_column, also, scope_model) }}
        )
    {%- else -%}
        {{ source(source_name, table_name) }}
    {%- endif -%}
{%- endmacro %}

{#
    Models downstream of the base models rebuild the rows of the keys in a
    scope model (int_incremental_scope__*: one column, named as the key it
    lists). Its pre-hook deletes them; its select keeps only them (`in_scope`).
    The model names the scope model in a `-- depends_on:` line so that dbt
    builds the scope first.
#}
{% macro scoped_model_config(key_column, scope_model) -%}
    {{ cx_metrics.rebuilt_by_key_config(
        'delete_in_scope',
        [key_column, scope_model],
        {'meta': {'cx_rebuilt_by': {'key': key_column, 'scope_model': scope_model}}},
    ) }}
{%- endmacro %}

{% macro delete_in_scope(key_column, scope_model) -%}
    {%- if cx_metrics.is_scoped() -%}
        delete from {{ this }}
        where {{ cx_metrics.in_scope(key_column, scope_model) }}
    {%- else -%}
        {{ cx_metrics.delete_when_unscoped() }}
    {%- endif -%}
{%- endmacro %}

{#
    `column` (or an expression) is a key of the scope model's (always true in a
    full build); the scope model's column is named as `column`, or `scope_column`.
#}
{% macro in_scope(column, scope_model, scope_column=none) -%}
    {%- if cx_metrics.is_scoped() -%}
        {{ column }} in (
            select scope.{{ scope_column or column.split('.')[-1] }} from {{ ref(scope_model) }} as scope
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#
    `_staged_by_build`, on every row of a base model (ranked_copies): the build
    that staged the row, named by the lowest load_seq it covered
    (new_loads_from); 0 for a full build. A scoped build writes the rows it
    stages again at the end of the base table, so `staged_this_build()` reads
    them there: the quarantine models and the tests of the staged rows read
    them by zone maps, not by matching all of the table's keys against the
    scope (at ten million contacts, a day's 11 quarantines 6.4 -> 0.9 s, the
    helpdesk events' unique test 2.6 -> 0.2 s). It names a build, which
    differs between an incremental and a full build of the same rows: the
    replay test leaves it out, as it does `_load_seq`.
#}
{% macro staged_by_build() -%}
    {{ cx_metrics.new_loads_from() if cx_metrics.is_scoped() else 0 }}
{%- endmacro %}

{# The rows of a base model (or its staging view) that this scoped build staged. #}
{% macro staged_this_build(column='_staged_by_build') -%}
    {{ column }} = {{ cx_metrics.new_loads_from() | int }}
{%- endmacro %}

{#
    The clean events (stg_helpdesk__ticket_events, as `events`) of the tickets a
    scoped build rebuilds (int_incremental_scope__tickets), with a filter that
    lets DuckDB skip the log's row groups of older tickets: ticket_created_at >=
    the earliest created_at of those tickets, read before the model runs and
    written in as a constant (left out when there is none, and while dbt
    parses). The log is written in load order, so each row group's min and max
    (its zone map) rule out most of it; the same bound as a subquery rules out
    nothing (at ten million contacts, a day's int_ticket_event_summary 3.1 ->
    2.1 s). It drops no clean event of those tickets: a clean event's
    ticket_created_at is its ticket's created_at in stg_helpdesk__tickets,
    since every event of a ticket loaded again is staged again
    (base_incremental_scope__ticket_events).
#}
{% macro events_of_rebuilt_tickets(events) -%}
    {%- set earliest = none -%}
    {%- if execute -%}
        {%- set found = run_query(
            'select min(tickets.created_at) from ' ~ ref('stg_helpdesk__tickets') ~ ' as tickets where '
            ~ cx_metrics.in_scope('tickets.ticket_id', 'int_incremental_scope__tickets')
        ) -%}
        {%- set earliest = found.columns[0].values()[0] -%}
    {%- endif -%}
    {{ cx_metrics.in_scope(events ~ '.ticket_id', 'int_incremental_scope__tickets') }}
    {%- if earliest is not none %}
        -- skips the log's row groups of older tickets (macros/incremental/incremental.sql)
        and {{ events }}.ticket_created_at >= cast('{{ earliest }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{# The as_of of the published build this one adds to (a timestamp literal; null in a full build). #}
{% macro previous_as_of() -%}
    {%- set value = cx_metrics.scoped_build_setting('CX_PREVIOUS_AS_OF') -%}
    {%- if value is none -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast('{{ value }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{#
    The table a model wrote in the published build this one adds to, read by a
    scope model that runs before the model rebuilds it (a ref would be a cycle):
    the relation, or none in a full build or when it does not exist.
#}
{% macro previous_relation(model_name, custom_schema) -%}
    {%- if not execute or cx_metrics.new_loads_from() is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=this.database,
        schema=generate_schema_name(custom_schema, none),
        identifier=model_name,
    )) }}
{%- endmacro %}


{#- The scope models' shared pieces (models/*/*/*_incremental_scope__*.sql). -#}

{#- The window between the previous build's as_of and this one's, as the columns
    window_start and window_end of one row: what happened in it changed state. -#}
{% macro as_of_window_row() -%}
    select
        least(as_of.as_of, {{ cx_metrics.previous_as_of() }}) as window_start,
        greatest(as_of.as_of, {{ cx_metrics.previous_as_of() }}) as window_end
    from {{ ref('int_as_of') }} as as_of
{%- endmacro %}

{#- A timestamp in that window (as_of_window cross joined): after its start, up to its end. -#}
{% macro in_as_of_window(column) -%}
    ({{ column }} > as_of_window.window_start and {{ column }} <= as_of_window.window_end)
{%- endmacro %}

{#- A scope model's final select: its keys, as strings, without nulls. -#}
{% macro scope_keys(key_column, cte) -%}
select cast({{ key_column }} as {{ dbt.type_string() }}) as {{ key_column }}
from {{ cte }}
where {{ key_column }} is not null
{%- endmacro %}

{#- A scope model in a full build: no keys, with the column and its type. -#}
{% macro empty_scope(key_column) -%}
nothing as (
    select cast(null as {{ dbt.type_string() }}) as {{ key_column }}
)

{{ cx_metrics.scope_keys(key_column, 'nothing') }}
{%- endmacro %}
