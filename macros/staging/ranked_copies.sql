{#
    Every row of a raw relation with
        _row_rank       1 for the winning copy of its key, 2, 3, ... for older
                        copies (order_by decides, e.g. '_loaded_at desc');
        _is_superseded  _row_rank > 1: an older copy of a re-extracted key.
    The one definition of both: base models select them, they do not recompute them.

    Copies are grouped by the key as staging writes it (staged_key: trimmed, blank
    = null), so ' T1' and 'T1' are one key ranked 1 and 2, and the staged model's
    unique key holds. Rows with a null or blank key rank 1 and are never
    superseded (callers quarantine them as missing_key).

    Re-extracted keys are rare (about 1 % of rows), so only the rows of keys that
    occur more than once go through the row_number() window; every other row is
    its key's only copy and ranks 1. A window over all rows sorts every row with
    its whole payload: at 85 million helpdesk events that was 2.5 times slower and
    ran out of memory where this spills (BENCHMARKS.md). The result is the same as
    row_number() over all rows. The copied keys (about 1 % of the keys, one narrow
    column) are one CTE that both branches join: DuckDB and Postgres compute it
    once. The branches are plain equi-joins on it, a left join keeping the rows
    without a match (the anti join) and an inner join (the semi join: the keys are
    unique), so every engine plans hash (or sort-merge) joins: the earlier
    `key not in (subquery)` is null-aware and Spark ran it as a
    BroadcastNestedLoopJoin, rows x copied keys (issue 21), and the `exists` /
    `not exists` form made DuckDB group all 8.4 million outer keys once more per
    branch to decorrelate it (issue 15: 19.5 -> 10.7 s CPU at 1M for the helpdesk
    events). The relation itself is read directly, not through a CTE referenced
    twice, so no engine materialises a copy of its rows. Except in a scoped
    (incremental) build, where the relation is the affected rows of a raw table
    (base_rows: a filter over all of raw, trimming its keys): there its few rows
    are read once into a materialized CTE instead of the whole raw table being
    filtered three times (at ten million contacts, three scans of 85 million
    helpdesk events per incremental build).

    Ties: copies equal on `order_by` (e.g. two extractions with the same
    `_loaded_at`) are ordered by every column the source's YAML declares
    (`source_table` = (source, table)), ascending, nulls last, on every engine.
    So the winner depends on the rows only, never on which load brought them or
    in what order they were read: appending the files one by one ranks a key's
    copies as a replace load of all of them together does (the replay test,
    tests/python/test_replay.py). Copies equal on every declared column are
    the same row; which of them ranks 1 changes nothing downstream. (dbt unit
    tests see no sources in the graph: there the tie-break is left out.) The loader's
    `_load_seq` is not declared and never decides (DECISIONLOG.md).

    Staged ids: for every declared column named `*_id`, `<column>__staged` is the
    id as staging writes it (staged_key), computed once here. The staging views
    and the incremental scopes read these columns: trimming every id of a table
    on every read cost seconds per model at ten million contacts (issue 16).
    The id as raw spells it is kept only where staging spelled it otherwise
    (trimmed, or blank made null): `<column>__untrimmed`, null where the two
    agree; `raw_id(column)` gives raw's spelling back, for every row. Nearly
    every id is clean, so the base tables no longer store each id twice: at ten
    million contacts the events' base table 2.9 -> 2.0 GiB, its select 119 -> 100 s
    (issue 15, DECISIONLOG.md). With them, `_staged_by_build`: the build that
    staged the row (macros/incremental/incremental.sql).
#}
{#- The declared columns of a source table (source name, table name) that are ids: `*_id`. -#}
{% macro id_columns(source_table) -%}
    {%- set ids = [] -%}
    {%- for name in cx_metrics.declared_columns(source_table[0], source_table[1], required=false) -%}
        {%- if name.endswith('_id') -%}
            {%- do ids.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ids) }}
{%- endmacro %}

{#- An id of a base row as raw spells it (`relation_alias`: the base table's alias, if any). -#}
{% macro raw_id(column, relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    coalesce({{ prefix }}{{ column }}__untrimmed, {{ prefix }}{{ cx_metrics.staged_key(column, stored=true) }})
{%- endmacro %}

{#- A base row without this key: null or blank in raw (callers quarantine it as missing_key). -#}
{% macro lacks_key(column) -%}
    {{ cx_metrics.staged_key(column, stored=true) }} is null
{%- endmacro %}
{#- An id as staging writes it; `stored`: read from a base model's staged ids (below), not trimmed again. -#}
{% macro staged_key(column, stored=false) -%}
    {%- if stored -%}
        {{ column }}__staged
    {%- else -%}
        nullif(trim({{ column }}), '')
    {%- endif -%}
{%- endmacro %}

{% macro ranked_copies(relation, key_column, order_by, source_table=none) -%}
    {%- set declared = [] -%}
    {%- if source_table is not none -%}
        {%- set declared = cx_metrics.declared_columns(source_table[0], source_table[1], required=false) -%}
    {%- endif -%}
    {#- a dbt unit test's graph declares no source columns: its rows pass through whole, with the key staged -#}
    {%- set ids = cx_metrics.id_columns(source_table) if declared else [key_column] -%}
    {%- set read_once = cx_metrics.is_scoped() -%}
    {%- set rows = 'affected_rows' if read_once else relation %}
    select
        {%- if declared %}
        {%- for name in declared %}
        {%- if name in ids %}
        {%- set staged = cx_metrics.staged_key('ranked.' ~ adapter.quote(name)) %}
        case
            when {{ staged }} is null or ranked.{{ adapter.quote(name) }} <> {{ staged }}
                then ranked.{{ adapter.quote(name) }}
        end as {{ name }}__untrimmed,
        {%- else %}
        ranked.{{ adapter.quote(name) }},
        {%- endif %}
        {%- endfor %}
        ranked._load_seq,
        ranked._row_rank,
        {%- else %}
        ranked.*,
        {%- endif %}
        ranked._row_rank > 1 as _is_superseded{% for name in ids %},
        {{ cx_metrics.staged_key('ranked.' ~ adapter.quote(name)) }} as {{ cx_metrics.staged_key(name, stored=true) }}
        {%- endfor %}
        {%- if source_table is not none %},
        cast({{ cx_metrics.staged_by_build() }} as {{ dbt.type_bigint() }}) as _staged_by_build
        {%- endif %}
    from (
        with

        {% if read_once -%}
        affected_rows as materialized (
            select * from {{ relation }}
        ),

        {% endif -%}
        copied_keys as (
            select {{ cx_metrics.staged_key(key_column) }} as copied_key
            from {{ rows }}
            where {{ cx_metrics.staged_key(key_column) }} is not null
            group by {{ cx_metrics.staged_key(key_column) }}
            having count(*) > 1
        )

        select
            single_copies.*,
            cast(1 as {{ dbt.type_bigint() }}) as _row_rank
        from {{ rows }} as single_copies
        left join copied_keys
            on {{ cx_metrics.staged_key('single_copies.' ~ key_column) }} = copied_keys.copied_key
        where copied_keys.copied_key is null
        union all
        select
            several_copies.*,
            row_number() over (
                partition by {{ cx_metrics.staged_key('several_copies.' ~ key_column) }}
                order by {{ order_by }}{% for name in declared %}, several_copies.{{ adapter.quote(name) }} asc nulls last{% endfor %}
            ) as _row_rank
        from {{ rows }} as several_copies
        inner join copied_keys
            on {{ cx_metrics.staged_key('several_copies.' ~ key_column) }} = copied_keys.copied_key
    ) as ranked
{%- endmacro %}
