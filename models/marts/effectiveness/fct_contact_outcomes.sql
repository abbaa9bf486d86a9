{{ cx_metrics.scoped_model_config('contact_id', 'input_incremental_scope__outcomes') }}
{#-
    One row per contact (as fct_contacts) with its outcome: evaluable or not,
    pending while its repeat window is open at as_of, its first repeat and
    call-back, and the FCR status every effectiveness rate is counted from.
-#}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
    -- an incremental build rebuilds the contacts in scope (macros/incremental/incremental.sql)
    -- depends_on: {{ ref('input_incremental_scope__outcomes') }}
    -- and after the scopes that read this table's published rows (previous_relation)
    -- depends_on: {{ ref('input_incremental_scope__value_customers') }}
    where {{ cx_metrics.in_scope('contact_id', 'input_incremental_scope__outcomes') }}
),

repeats as (
    select * from {{ ref('input_contact_repeats') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

joined as (
    select
        contacts.contact_id,
        contacts.contact_type,
        contacts.channel,
        contacts.category,
        contacts.customer_id,
        contacts.is_known_customer,
        contacts.started_at,
        contacts.started_date,
        contacts.is_handled,
        contacts.is_resolved_on_contact,
        repeats.window_ends_at,
        repeats.repeat_contact_id,
        repeats.repeat_started_at,
        repeats.repeat_channel,
        repeats.callback_contact_id,
        contacts.is_handled and contacts.is_known_customer as is_in_scope,
        coalesce(repeats.window_ends_at <= (select as_of.as_of from as_of), false) as is_window_closed
    from contacts
    left join repeats
        on contacts.contact_id = repeats.contact_id
),

classified as (
    select
        *,
        is_in_scope and is_window_closed as is_evaluable,
        is_in_scope and not is_window_closed as is_pending,
        repeat_contact_id is not null as has_repeat,
        callback_contact_id is not null as has_callback,
        coalesce(repeat_channel <> channel, false) as is_channel_switch,
        case
            when not is_in_scope then 'not_evaluable'
            when not is_window_closed then 'pending'
            when repeat_contact_id is not null then 'repeated'
            when is_resolved_on_contact then 'fcr'
            else 'not_resolved'
        end as fcr_status
    from joined
)

select
    cast(contact_id as {{ dbt.type_string() }}) as contact_id,
    cast(contact_type as {{ dbt.type_string() }}) as contact_type,
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(category as {{ dbt.type_string() }}) as category,
    cast(customer_id as {{ dbt.type_string() }}) as customer_id,
    is_known_customer,
    started_at,
    started_date,
    is_handled,
    is_resolved_on_contact,
    is_evaluable,
    is_pending,
    has_repeat,
    cast(repeat_contact_id as {{ dbt.type_string() }}) as repeat_contact_id,
    repeat_started_at,
    cast(repeat_channel as {{ dbt.type_string() }}) as repeat_channel,
    is_channel_switch,
    has_callback,
    cast(callback_contact_id as {{ dbt.type_string() }}) as callback_contact_id,
    window_ends_at,
    cast(fcr_status as {{ dbt.type_string() }}) as fcr_status
from classified
