{{ cx_metrics.scoped_model_config('ticket_id', 'int_incremental_scope__tickets') }}
{#- One row per clean ticket created up to as_of, with its audit-log measures. -#}
with

tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
    -- an incremental build rebuilds the tickets in scope (macros/incremental/incremental.sql)
    -- depends_on: {{ ref('int_incremental_scope__tickets') }}
    where {{ cx_metrics.in_scope('ticket_id', 'int_incremental_scope__tickets') }}
),

ticket_event_summary as (
    select * from {{ ref('int_ticket_event_summary') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

reported_tickets as (
    select tickets.*
    from tickets
    where tickets.created_at <= (select as_of.as_of from as_of)
),

joined as (
    select
        reported_tickets.ticket_id,
        reported_tickets.customer_id,
        reported_tickets.product_id,
        reported_tickets.assignee_agent_id,
        ticket_event_summary.last_reply_agent_id,
        reported_tickets.channel,
        reported_tickets.category,
        reported_tickets.priority,
        reported_tickets.status,
        reported_tickets.created_at,
        ticket_event_summary.first_reply_at,
        ticket_event_summary.final_solved_at,
        ticket_event_summary.first_reply_seconds,
        ticket_event_summary.full_resolution_seconds,
        ticket_event_summary.agent_reply_count,
        ticket_event_summary.reopen_count,
        ticket_event_summary.work_seconds,
        ticket_event_summary.is_handled,
        ticket_event_summary.is_solved,
        ticket_event_summary.is_reopened,
        ticket_event_summary.is_one_touch
    from reported_tickets
    inner join ticket_event_summary
        on reported_tickets.ticket_id = ticket_event_summary.ticket_id
)

select
    cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
    cast(customer_id as {{ dbt.type_string() }}) as customer_id,
    cast(product_id as {{ dbt.type_string() }}) as product_id,
    cast(assignee_agent_id as {{ dbt.type_string() }}) as assignee_agent_id,
    cast(last_reply_agent_id as {{ dbt.type_string() }}) as last_reply_agent_id,
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(category as {{ dbt.type_string() }}) as category,
    cast(priority as {{ dbt.type_string() }}) as priority,
    cast(status as {{ dbt.type_string() }}) as status,
    created_at,
    {{ cx_metrics.reporting_date('created_at') }} as created_date,
    first_reply_at,
    final_solved_at,
    cast(first_reply_seconds as {{ cx_metrics.type_double() }}) as first_reply_seconds,
    cast(full_resolution_seconds as {{ cx_metrics.type_double() }}) as full_resolution_seconds,
    cast(agent_reply_count as {{ dbt.type_bigint() }}) as agent_reply_count,
    cast(reopen_count as {{ dbt.type_bigint() }}) as reopen_count,
    cast(work_seconds as {{ dbt.type_bigint() }}) as work_seconds,
    is_handled,
    is_solved,
    is_reopened,
    is_one_touch
from joined
