{{ config(schema='build_scope') }}

{#-
    The call legs an incremental build rebuilds in int_call_chains and
    fct_call_legs (macros/incremental/incremental.sql): whole chains, so that
    roots and leg sequences are computed over every leg of a chain.
    - the legs a new raw row carries (every copy of its key), the parents of
      every copy (a new transfer leg joins its parent's chain) and the legs whose
      queue time lies between the previous as_of and this one;
    - the chains these legs belonged to in the published build, and the chains of
      the legs whose parent is a new key (a late parent re-roots them);
    - all legs of those chains.
    A leg outside them keeps its chain: none of its ancestors changed and no new
    leg descends from its chain. The published chains are read directly
    (previous_relation): int_call_chains is rebuilt after this model. Empty in a
    full build. In build_scope, a schema no report reads.
-#}

{%- set previous_chains = cx_metrics.previous_relation('int_call_chains', 'intermediate') %}


-- the refs of the incremental branch, which dbt's parse does not render
-- depends_on: {{ ref('base_telephony__calls') }}
-- depends_on: {{ ref('int_as_of') }}
-- depends_on: {{ ref('stg_telephony__calls') }}

with

{% if previous_chains is not none %}

base_calls as (
    select
        call_id__staged as call_id,
        parent_call_id__staged as parent_call_id,
        _load_seq
    from {{ ref('base_telephony__calls') }}
),

previous_chains as (
    select
        call_id,
        parent_call_id,
        root_call_id
    from {{ previous_chains }}
),

as_of_window as (
    {{ cx_metrics.as_of_window_row() }}
),

new_keys as (
    select distinct call_id
    from base_calls
    where {{ cx_metrics.is_new_load() }} and call_id is not null
),

touched_legs as (
    select call_id from new_keys
    union
    select base_calls.parent_call_id as call_id
    from base_calls
    inner join new_keys
        on base_calls.call_id = new_keys.call_id
    where base_calls.parent_call_id is not null
    union
    select calls.call_id
    from {{ ref('stg_telephony__calls') }} as calls
    cross join as_of_window
    where {{ cx_metrics.in_as_of_window('calls.queued_at') }}
),

affected_roots as (
    select previous_chains.root_call_id
    from previous_chains
    inner join touched_legs
        on previous_chains.call_id = touched_legs.call_id
    union
    select previous_chains.root_call_id
    from previous_chains
    inner join new_keys
        on previous_chains.parent_call_id = new_keys.call_id
),

legs as (
    select previous_chains.call_id
    from previous_chains
    inner join affected_roots
        on previous_chains.root_call_id = affected_roots.root_call_id
    union
    select call_id from touched_legs
)

{{ cx_metrics.scope_keys('call_id', 'legs') }}

{% else %}

{{ cx_metrics.empty_scope('call_id') }}

{% endif %}
