-- Every contact of fct_contacts traces to a staged source row: a call
-- contact to an inbound first leg in stg_telephony__calls, a ticket contact
-- to stg_helpdesk__tickets. Fails with the contacts that do not.
with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

calls as (
    select * from {{ ref('stg_telephony__calls') }}
),

tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
),

traced as (
    select
        contacts.contact_id,
        contacts.contact_type,
        calls.call_id as staged_call_id,
        tickets.ticket_id as staged_ticket_id
    from contacts
    left join calls
        on
            contacts.contact_type = 'call'
            and contacts.root_call_id = calls.call_id
            and calls.direction = 'inbound'
    left join tickets
        on
            contacts.contact_type = 'ticket'
            and contacts.ticket_id = tickets.ticket_id
)

select *
from traced
where
    (contact_type = 'call' and staged_call_id is null)
    or (contact_type = 'ticket' and staged_ticket_id is null)
