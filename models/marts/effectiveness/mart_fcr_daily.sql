{#-
    First-contact resolution and repeats per reporting-timezone day of the
    contact's start, channel and category. Pending contacts (window still open
    at as_of) are counted but sit in no rate's denominator.
-#}

with

outcomes as (
    select * from {{ ref('fct_contact_outcomes') }}
),

aggregated as (
    select
        started_date as date_day,
        channel,
        category,
        {{ cx_metrics.count_if('is_handled') }} as handled_contacts,
        {{ cx_metrics.count_if('is_evaluable') }} as evaluable_contacts,
        {{ cx_metrics.count_if('is_pending') }} as pending_contacts,
        {{ cx_metrics.count_if("fcr_status = 'fcr'") }} as fcr_contacts,
        {{ cx_metrics.count_if('is_evaluable and has_repeat') }} as repeated_contacts,
        {{ cx_metrics.count_if("is_evaluable and contact_type = 'call'") }} as evaluable_phone_contacts,
        {{ cx_metrics.count_if("is_evaluable and contact_type = 'call' and has_callback") }} as callback_contacts,
        {{ cx_metrics.count_if('is_evaluable and has_repeat and is_channel_switch') }} as channel_switches
    from outcomes
    group by started_date, channel, category
),

rated as (
    select
        date_day,
        channel,
        category,
        handled_contacts,
        evaluable_contacts,
        pending_contacts,
        fcr_contacts,
        repeated_contacts,
        {{ cx_metrics.safe_divide('fcr_contacts', 'evaluable_contacts') }} as fcr_rate,
        {{ cx_metrics.safe_divide('repeated_contacts', 'evaluable_contacts') }} as repeat_contact_rate,
        case
            when channel = 'phone'
                then {{ cx_metrics.safe_divide('callback_contacts', 'evaluable_phone_contacts') }}
        end as callback_rate,
        {{ cx_metrics.safe_divide('channel_switches', 'repeated_contacts') }} as channel_switch_rate
    from aggregated
)

select
    date_day,
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(category as {{ dbt.type_string() }}) as category,
    cast(handled_contacts as {{ dbt.type_bigint() }}) as handled_contacts,
    cast(evaluable_contacts as {{ dbt.type_bigint() }}) as evaluable_contacts,
    cast(pending_contacts as {{ dbt.type_bigint() }}) as pending_contacts,
    cast(fcr_contacts as {{ dbt.type_bigint() }}) as fcr_contacts,
    cast(repeated_contacts as {{ dbt.type_bigint() }}) as repeated_contacts,
    cast(fcr_rate as {{ cx_metrics.type_double() }}) as fcr_rate,
    cast(repeat_contact_rate as {{ cx_metrics.type_double() }}) as repeat_contact_rate,
    cast(callback_rate as {{ cx_metrics.type_double() }}) as callback_rate,
    cast(channel_switch_rate as {{ cx_metrics.type_double() }}) as channel_switch_rate
from rated
