-- The converse of the tracing test: every inbound first leg queued up to
-- as_of, and every ticket created up to as_of that no inbound call leg
-- references, is exactly one contact. Fails with the missing ones.
with

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

expected_calls as (
    select {{ dbt.concat(["'call:'", 'call_legs.call_id']) }} as contact_id
    from call_legs
    where call_legs.chain_direction = 'inbound' and call_legs.call_id = call_legs.root_call_id
),

called_tickets as (
    select distinct call_legs.ticket_id
    from call_legs
    where call_legs.chain_direction = 'inbound' and call_legs.ticket_id is not null
),

expected_tickets as (
    select {{ dbt.concat(["'ticket:'", 'tickets.ticket_id']) }} as contact_id
    from tickets
    left join called_tickets
        on tickets.ticket_id = called_tickets.ticket_id
    where called_tickets.ticket_id is null
),

expected as (
    select expected_calls.contact_id from expected_calls
    union all
    select expected_tickets.contact_id from expected_tickets
)

select expected.contact_id
from expected
left join contacts
    on expected.contact_id = contacts.contact_id
where contacts.contact_id is null
