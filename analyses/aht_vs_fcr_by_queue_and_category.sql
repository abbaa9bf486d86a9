{#-
    Does a longer handle time buy resolution? Evaluable contacts (repeat window
    closed, known customer, handled) by queue (tickets: their channel),
    category and handle-time band (the last band starts at
    long_interaction_minutes, as in the value analysis), with the FCR rate of
    each band. A rising
    FCR rate across bands says time buys resolution there; a flat or falling
    one says long contacts are hard problems, not better help.
-#}
{%- set long_minutes = var('long_interaction_minutes') %}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

outcomes as (
    select * from {{ ref('fct_contact_outcomes') }}
),

evaluable as (
    select
        coalesce(contacts.queue, contacts.channel) as queue_or_channel,
        contacts.category,
        contacts.handle_seconds,
        outcomes.fcr_status = 'fcr' as is_fcr,
        case
            when contacts.handle_seconds < 300 then '1: under 5 min'
            when contacts.handle_seconds < 600 then '2: 5-10 min'
            when contacts.handle_seconds < {{ long_minutes * 60 }} then '3: 10-{{ long_minutes }} min'
            else '4: {{ long_minutes }} min or more'
        end as handle_band
    from contacts
    inner join outcomes
        on contacts.contact_id = outcomes.contact_id
    where outcomes.is_evaluable
),

banded as (
    select
        queue_or_channel,
        category,
        handle_band,
        count(*) as evaluable_contacts,
        {{ cx_metrics.count_if('is_fcr') }} as fcr_contacts,
        avg(cast(handle_seconds as {{ cx_metrics.type_double() }})) / 60 as aht_minutes
    from evaluable
    group by queue_or_channel, category, handle_band
)

select
    queue_or_channel,
    category,
    handle_band,
    evaluable_contacts,
    aht_minutes,
    {{ cx_metrics.safe_divide('fcr_contacts', 'evaluable_contacts') }} as fcr_rate
from banded
order by queue_or_channel, category, handle_band
