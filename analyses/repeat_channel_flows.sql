{#-
    How repeats move across channels: every first repeat of an evaluable
    contact, from the channel of the contact to the channel of its repeat,
    over all months, with each flow's share of the repeats leaving its
    channel. A large phone -> phone share with a low FCR says callers ring
    back; email -> phone says written answers did not settle it.
-#}
with

switches as (
    select * from {{ ref('mart_channel_switches_monthly') }}
),

flows as (
    select
        from_channel,
        to_channel,
        sum(repeats) as repeats
    from switches
    group by from_channel, to_channel
),

leaving as (
    select
        from_channel,
        sum(repeats) as repeats_from_channel
    from flows
    group by from_channel
)

select
    flows.from_channel,
    flows.to_channel,
    flows.from_channel <> flows.to_channel as is_channel_switch,
    flows.repeats,
    {{ cx_metrics.safe_divide('flows.repeats', 'leaving.repeats_from_channel') }} as share_of_channel_repeats
from flows
inner join leaving
    on flows.from_channel = leaving.from_channel
order by flows.from_channel asc, flows.repeats desc, flows.to_channel asc
