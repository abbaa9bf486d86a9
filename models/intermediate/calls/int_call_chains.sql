{{ cx_metrics.scoped_model_config('call_id', 'int_incremental_scope__calls') }}
{#-
    Every clean call leg tied to the first leg of its chain. A transfer leg
    names the leg it came from in parent_call_id. The walk to the root climbs
    one parent per step, var('call_chain_max_depth') steps (portable: Spark
    has no recursive CTE). chain_status: resolved; missing_parent (an
    ancestor is not among the clean legs, the topmost leg found stands in as
    root); depth_limit (still a parent after the last step, or a cycle; the
    data test on chain_status fails the build).
    Only legs with a parent walk, over the two id columns: most legs start
    their own chain (their own root, depth 0), and joining every leg with all
    its columns five times ran out of memory at ten million contacts.
-#}
{%- set max_depth = var('call_chain_max_depth') | int %}

with

calls as (
    select * from {{ ref('stg_telephony__calls') }}
    -- an incremental build rebuilds the whole chains in scope (macros/incremental/incremental.sql)
    -- depends_on: {{ ref('int_incremental_scope__calls') }}
    where {{ cx_metrics.in_scope('call_id', 'int_incremental_scope__calls') }}
),

links as (
    select
        call_id,
        parent_call_id
    from calls
),

walk_0 as (
    select
        call_id,
        call_id as ancestor_id,
        parent_call_id as ancestor_parent_id,
        0 as hops
    from links
    where parent_call_id is not null
),
{% for step in range(1, max_depth + 1) %}
walk_{{ step }} as (
    select
        walk.call_id,
        coalesce(parents.call_id, walk.ancestor_id) as ancestor_id,
        case
            when parents.call_id is not null then parents.parent_call_id
            else walk.ancestor_parent_id
        end as ancestor_parent_id,
        walk.hops + case when parents.call_id is not null then 1 else 0 end as hops
    from walk_{{ step - 1 }} as walk
    left join links as parents
        on walk.ancestor_parent_id = parents.call_id
),
{% endfor %}
resolved_transfers as (
    select
        walk.call_id,
        walk.ancestor_id as root_call_id,
        case when walk.ancestor_parent_id is null then walk.hops end as leg_depth,
        case
            when walk.ancestor_parent_id is null then 'resolved'
            when parents.call_id is not null then 'depth_limit'
            else 'missing_parent'
        end as chain_status
    from walk_{{ max_depth }} as walk
    left join links as parents
        on walk.ancestor_parent_id = parents.call_id
),

resolved as (
    select
        call_id,
        call_id as root_call_id,
        0 as leg_depth,
        'resolved' as chain_status
    from links
    where parent_call_id is null
    union all
    select
        call_id,
        root_call_id,
        leg_depth,
        chain_status
    from resolved_transfers
),

chained as (
    select
        calls.*,
        resolved.root_call_id,
        resolved.leg_depth,
        resolved.chain_status
    from calls
    inner join resolved
        on calls.call_id = resolved.call_id
),

roots as (
    select
        call_id,
        direction
    from calls
),

sequenced as (
    select
        chained.*,
        roots.direction as chain_direction,
        row_number() over (
            partition by chained.root_call_id
            order by chained.queued_at, chained.leg_depth, chained.call_id
        ) as leg_sequence
    from chained
    inner join roots
        on chained.root_call_id = roots.call_id
)

select
    call_id,
    parent_call_id,
    root_call_id,
    leg_depth,
    leg_sequence,
    chain_status,
    chain_direction,
    customer_id,
    ticket_id,
    agent_id,
    direction,
    queue,
    disposition,
    is_transferred,
    queued_at,
    answered_at,
    ended_at,
    talk_seconds,
    hold_seconds,
    acw_seconds
from sequenced
