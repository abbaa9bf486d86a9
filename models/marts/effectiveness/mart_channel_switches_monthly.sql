{#-
    The from -> to channel matrix of repeats: evaluable contacts that have a
    repeat, by reporting-timezone month of the repeated contact's start, its
    channel and the channel of its first repeat. The diagonal (same channel)
    is kept, so each row of the matrix sums to all repeats from that channel.
-#}

with

outcomes as (
    select * from {{ ref('fct_contact_outcomes') }}
),

repeats as (
    select
        cast({{ dbt.date_trunc('month', 'started_date') }} as date) as month,
        channel as from_channel,
        repeat_channel as to_channel
    from outcomes
    where is_evaluable and has_repeat
),

aggregated as (
    select
        month,
        from_channel,
        to_channel,
        count(*) as repeats
    from repeats
    group by month, from_channel, to_channel
)

select
    month,
    cast(from_channel as {{ dbt.type_string() }}) as from_channel,
    cast(to_channel as {{ dbt.type_string() }}) as to_channel,
    from_channel <> to_channel as is_channel_switch,
    cast(repeats as {{ dbt.type_bigint() }}) as repeats
from aggregated
