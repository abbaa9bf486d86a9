{{ cx_metrics.scoped_model_config('customer_id', 'input_incremental_scope__customers') }}
{#-
    For every contact of a known customer: its first repeat (the next contact
    of the same customer and category, A.start < B.start <= A.start +
    repeat_window_days) and its first call-back (for phone contacts: the next
    inbound phone contact of the same customer, any category, in the window).

    No self-join: contacts are reduced to distinct start instants per
    partition and lead() finds the next instant, so the work is a sort, linear
    in contacts. Two contacts at the same instant are not repeats of each other
    (docs/metrics.md: strict A.start < B.start); at an instant with several contacts
    the one with the smallest contact_id stands as "the" repeat.
-#}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

known_contacts as (
    select
        contact_id,
        contact_type,
        customer_id,
        category,
        channel,
        started_at,
        {{ dbt.dateadd('day', var('repeat_window_days'), 'started_at') }} as window_ends_at
    from contacts
    where
        is_known_customer
        -- an incremental build finds the repeats of the customers in scope again
        -- (macros/incremental/incremental.sql)
        -- depends_on: {{ ref('input_incremental_scope__customers') }}
        and {{ cx_metrics.in_scope('customer_id', 'input_incremental_scope__customers') }}
),

category_instants as (
    select
        customer_id,
        category,
        started_at,
        min(contact_id) as first_contact_id
    from known_contacts
    group by customer_id, category, started_at
),

next_category_instants as (
    select
        customer_id,
        category,
        started_at,
        lead(started_at) over (
            partition by customer_id, category order by started_at
        ) as next_started_at,
        lead(first_contact_id) over (
            partition by customer_id, category order by started_at
        ) as next_contact_id
    from category_instants
),

phone_instants as (
    select
        customer_id,
        started_at,
        min(contact_id) as first_contact_id
    from known_contacts
    where contact_type = 'call'
    group by customer_id, started_at
),

next_phone_instants as (
    select
        customer_id,
        started_at,
        lead(started_at) over (
            partition by customer_id order by started_at
        ) as next_started_at,
        lead(first_contact_id) over (
            partition by customer_id order by started_at
        ) as next_contact_id
    from phone_instants
),

repeats as (
    select
        known_contacts.contact_id,
        known_contacts.customer_id,
        known_contacts.window_ends_at,
        case
            when next_category_instants.next_started_at <= known_contacts.window_ends_at
                then next_category_instants.next_contact_id
        end as repeat_contact_id,
        case
            when next_category_instants.next_started_at <= known_contacts.window_ends_at
                then next_category_instants.next_started_at
        end as repeat_started_at,
        case
            when next_phone_instants.next_started_at <= known_contacts.window_ends_at
                then next_phone_instants.next_contact_id
        end as callback_contact_id
    from known_contacts
    inner join next_category_instants
        on
            known_contacts.customer_id = next_category_instants.customer_id
            and known_contacts.category = next_category_instants.category
            and known_contacts.started_at = next_category_instants.started_at
    left join next_phone_instants
        on
            known_contacts.contact_type = 'call'
            and known_contacts.customer_id = next_phone_instants.customer_id
            and known_contacts.started_at = next_phone_instants.started_at
),

with_repeat_channel as (
    select
        repeats.contact_id,
        repeats.customer_id,
        repeats.window_ends_at,
        repeats.repeat_contact_id,
        repeats.repeat_started_at,
        repeat_contacts.channel as repeat_channel,
        repeats.callback_contact_id
    from repeats
    left join known_contacts as repeat_contacts
        on repeats.repeat_contact_id = repeat_contacts.contact_id
)

select * from with_repeat_channel
