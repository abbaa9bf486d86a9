-- Handle time is neither lost nor double counted between legs and contacts:
-- Σ handle_seconds of call contacts = Σ handle_seconds of answered legs of
-- inbound chains. Fails with one row holding both totals when they differ.
with

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

leg_total as (
    select coalesce(sum(call_legs.handle_seconds), 0) as handle_seconds
    from call_legs
    where call_legs.chain_direction = 'inbound' and call_legs.is_answered
),

contact_total as (
    select coalesce(sum(contacts.handle_seconds), 0) as handle_seconds
    from contacts
    where contacts.contact_type = 'call'
)

select
    leg_total.handle_seconds as leg_handle_seconds,
    contact_total.handle_seconds as contact_handle_seconds
from leg_total
cross join contact_total
where leg_total.handle_seconds <> contact_total.handle_seconds
