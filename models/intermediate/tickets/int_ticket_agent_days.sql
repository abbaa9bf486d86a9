{{ cx_metrics.scoped_model_config('ticket_id', 'int_incremental_scope__tickets') }}
{#-
    One row per ticket, agent and reporting-timezone day with agent work on a
    clean ticket created up to as_of: whether the agent replied, and the time
    spent logged, from the events up to as_of. mart_agent_daily sums it by day
    and agent: with one row per ticket, agent and day, its distinct tickets
    handled are the rows that replied.

    Kept per ticket so that an incremental build rebuilds the tickets in scope
    (macros/incremental/incremental.sql): it reads their events out of the
    whole log once, into a materialized CTE, and applies as_of to that CTE, not
    to the log (with the as_of subquery in the query that reads the log, DuckDB
    misjudged its size: int_ticket_event_summary). Before, mart_agent_daily
    read the whole log every build (9 s at ten million contacts).
-#}
{%- set read_once = cx_metrics.is_scoped() -%}

-- the ref of the incremental branch, which dbt's parse does not render
-- depends_on: {{ ref('int_incremental_scope__tickets') }}

with

{% if read_once -%}
rebuilt_tickets_events as materialized (
    select
        ticket_events.ticket_id,
        ticket_events.agent_id,
        ticket_events.event_at,
        ticket_events.event_type,
        ticket_events.time_spent_seconds
    from {{ ref('stg_helpdesk__ticket_events') }} as ticket_events
    where {{ cx_metrics.events_of_rebuilt_tickets('ticket_events') }}
),

{% endif -%}

ticket_events as (
    select * from {{ 'rebuilt_tickets_events' if read_once else ref('stg_helpdesk__ticket_events') }}
),

tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
    where {{ cx_metrics.in_scope('ticket_id', 'int_incremental_scope__tickets') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

reported_tickets as (
    select tickets.ticket_id
    from tickets
    where tickets.created_at <= (select as_of.as_of from as_of)
),

agent_work_events as (
    select
        ticket_events.ticket_id,
        ticket_events.agent_id,
        {{ cx_metrics.reporting_date('ticket_events.event_at') }} as date_day,
        ticket_events.event_type,
        ticket_events.time_spent_seconds
    from ticket_events
    where
        ticket_events.agent_id is not null
        and ticket_events.event_at <= (select as_of.as_of from as_of)
        and {{ cx_metrics.is_agent_work_event('ticket_events.event_type') }}
),

ticket_agent_days as (
    select
        agent_work_events.ticket_id,
        agent_work_events.agent_id,
        agent_work_events.date_day,
        max(case when agent_work_events.event_type = 'agent_reply' then 1 else 0 end) = 1 as has_agent_reply,
        sum(coalesce(agent_work_events.time_spent_seconds, 0)) as ticket_work_seconds
    from agent_work_events
    inner join reported_tickets
        on agent_work_events.ticket_id = reported_tickets.ticket_id
    group by
        agent_work_events.ticket_id,
        agent_work_events.agent_id,
        agent_work_events.date_day
)

select
    cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
    cast(agent_id as {{ dbt.type_string() }}) as agent_id,
    date_day,
    has_agent_reply,
    cast(ticket_work_seconds as {{ dbt.type_bigint() }}) as ticket_work_seconds
from ticket_agent_days
