{{ cx_metrics.scoped_model_config('contact_id', 'int_incremental_scope__contacts') }}
{#-
    One row per contact (docs/metrics.md: Contacts): an inbound call chain, or a ticket
    that no inbound call leg references. Carries what repeat/FCR detection
    needs: customer (known or not), category, channel, start, handled, and
    the resolution signals (last answered leg's disposition; ticket solved,
    reopened).
-#}
with

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

queue_categories as (
    select * from {{ ref('queue_categories') }}
),

customers as (
    select * from {{ ref('stg_commerce__customers') }}
),

inbound_chain_legs as (
    select *
    from call_legs
    where
        chain_direction = 'inbound'
        -- an incremental build rebuilds the contacts in scope (macros/incremental/incremental.sql)
        -- depends_on: {{ ref('int_incremental_scope__contacts') }}
        and {{ cx_metrics.in_scope(
            dbt.concat(["'call:'", 'root_call_id']), 'int_incremental_scope__contacts', 'contact_id'
        ) }}
),

case_legs as (
    select
        root_call_id,
        ticket_id,
        row_number() over (partition by root_call_id order by leg_sequence) as case_rank
    from inbound_chain_legs
    where ticket_id is not null
),

customer_legs as (
    select
        root_call_id,
        customer_id,
        row_number() over (partition by root_call_id order by leg_sequence) as customer_rank
    from inbound_chain_legs
    where customer_id is not null
),

answered_legs as (
    select
        root_call_id,
        agent_id,
        disposition,
        row_number() over (partition by root_call_id order by leg_sequence desc) as answered_rank
    from inbound_chain_legs
    where is_answered
),

chain_totals as (
    select
        root_call_id,
        count(*) as legs,
        sum(case when is_answered then 1 else 0 end) as answered_legs,
        sum(case when is_answered then handle_seconds else 0 end) as handle_seconds
    from inbound_chain_legs
    group by root_call_id
),

call_contacts as (
    select
        {{ dbt.concat(["'call:'", 'root_legs.call_id']) }} as contact_id,
        'call' as contact_type,
        'phone' as channel,
        coalesce(customer_legs.customer_id, case_tickets.customer_id) as customer_id,
        coalesce(case_tickets.category, queue_categories.default_category, 'other') as category,
        case_tickets.product_id,
        case_legs.ticket_id,
        root_legs.call_id as root_call_id,
        root_legs.queue,
        root_legs.queued_at as started_at,
        chain_totals.answered_legs > 0 as is_handled,
        chain_totals.handle_seconds,
        last_answered.agent_id,
        chain_totals.legs,
        chain_totals.answered_legs,
        last_answered.disposition as last_disposition,
        coalesce(last_answered.disposition = 'escalated', false) as is_escalated,
        coalesce(last_answered.disposition = 'resolved', false) as is_resolved_on_contact,
        case_tickets.is_solved as case_is_solved,
        case_tickets.reopen_count as case_reopen_count
    from inbound_chain_legs as root_legs
    inner join chain_totals
        on root_legs.root_call_id = chain_totals.root_call_id
    left join case_legs
        on root_legs.root_call_id = case_legs.root_call_id and case_legs.case_rank = 1
    left join customer_legs
        on root_legs.root_call_id = customer_legs.root_call_id and customer_legs.customer_rank = 1
    left join answered_legs as last_answered
        on root_legs.root_call_id = last_answered.root_call_id and last_answered.answered_rank = 1
    left join tickets as case_tickets
        on case_legs.ticket_id = case_tickets.ticket_id
    left join queue_categories
        on root_legs.queue = queue_categories.queue
    where root_legs.call_id = root_legs.root_call_id
),

call_case_tickets as (
    -- every inbound chain's tickets, in scope or not
    select distinct ticket_id
    from call_legs
    where chain_direction = 'inbound' and ticket_id is not null
),

ticket_contacts as (
    select
        {{ dbt.concat(["'ticket:'", 'tickets.ticket_id']) }} as contact_id,
        'ticket' as contact_type,
        tickets.channel,
        tickets.customer_id,
        tickets.category,
        tickets.product_id,
        tickets.ticket_id,
        cast(null as {{ dbt.type_string() }}) as root_call_id,
        cast(null as {{ dbt.type_string() }}) as queue,
        tickets.created_at as started_at,
        tickets.is_handled,
        tickets.work_seconds as handle_seconds,
        coalesce(tickets.last_reply_agent_id, tickets.assignee_agent_id) as agent_id,
        cast(null as {{ dbt.type_bigint() }}) as legs,
        cast(null as {{ dbt.type_bigint() }}) as answered_legs,
        cast(null as {{ dbt.type_string() }}) as last_disposition,
        false as is_escalated,
        tickets.is_solved and tickets.reopen_count = 0 as is_resolved_on_contact,
        tickets.is_solved as case_is_solved,
        tickets.reopen_count as case_reopen_count
    from tickets
    left join call_case_tickets
        on tickets.ticket_id = call_case_tickets.ticket_id
    where
        call_case_tickets.ticket_id is null
        and {{ cx_metrics.in_scope(
            dbt.concat(["'ticket:'", 'tickets.ticket_id']), 'int_incremental_scope__contacts', 'contact_id'
        ) }}
),

contacts as (
    select * from call_contacts
    union all
    select * from ticket_contacts
),

enriched as (
    select
        contacts.*,
        customers.customer_id is not null as is_known_customer
    from contacts
    left join customers
        on contacts.customer_id = customers.customer_id
)

select
    cast(contact_id as {{ dbt.type_string() }}) as contact_id,
    cast(contact_type as {{ dbt.type_string() }}) as contact_type,
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(customer_id as {{ dbt.type_string() }}) as customer_id,
    is_known_customer,
    cast(category as {{ dbt.type_string() }}) as category,
    cast(product_id as {{ dbt.type_string() }}) as product_id,
    cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
    cast(root_call_id as {{ dbt.type_string() }}) as root_call_id,
    cast(queue as {{ dbt.type_string() }}) as queue,
    started_at,
    {{ cx_metrics.reporting_date('started_at') }} as started_date,
    is_handled,
    cast(handle_seconds as {{ dbt.type_bigint() }}) as handle_seconds,
    cast(agent_id as {{ dbt.type_string() }}) as agent_id,
    cast(legs as {{ dbt.type_bigint() }}) as legs,
    cast(answered_legs as {{ dbt.type_bigint() }}) as answered_legs,
    cast(last_disposition as {{ dbt.type_string() }}) as last_disposition,
    is_escalated,
    is_resolved_on_contact,
    case_is_solved,
    cast(case_reopen_count as {{ dbt.type_bigint() }}) as case_reopen_count
from enriched
