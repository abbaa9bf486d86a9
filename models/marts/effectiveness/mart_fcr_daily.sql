{#-
    First-contact resolution and repeats per reporting-timezone day of the
    contact's start, channel and category: the scorecard's counts
    (contact_outcome_counts) and rates (scorecard_rates), so the two agree. Pending contacts (window still open
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
        {{ cx_metrics.contact_outcome_counts() }},
        {{ cx_metrics.count_if('is_pending') }} as pending_contacts,
        {{ cx_metrics.count_if('is_evaluable and has_repeat and is_channel_switch') }} as channel_switches
    from outcomes
    group by started_date, channel, category
),

rated as (
    select
        aggregated.date_day,
        aggregated.channel,
        aggregated.category,
        aggregated.handled_contacts,
        aggregated.evaluable_contacts,
        aggregated.pending_contacts,
        aggregated.fcr_contacts,
        aggregated.repeated_contacts,
        {{ cx_metrics.scorecard_rates('aggregated', columns=['fcr_rate', 'repeat_contact_rate', 'callback_rate']) }},
        {{ cx_metrics.safe_divide('aggregated.channel_switches', 'aggregated.repeated_contacts') }}
            as channel_switch_rate
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
    cast(case when channel = 'phone' then callback_rate end as {{ cx_metrics.type_double() }}) as callback_rate,
    cast(channel_switch_rate as {{ cx_metrics.type_double() }}) as channel_switch_rate
from rated
