{#- Ticket efficiency per reporting-timezone day of creation and channel. -#}
with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

aggregated as (
    select
        created_date as date_day,
        channel,
        count(*) as tickets_created,
        sum(case when is_solved then 1 else 0 end) as tickets_solved,
        sum(case when is_solved and is_reopened then 1 else 0 end) as tickets_solved_reopened,
        sum(case when is_one_touch then 1 else 0 end) as tickets_one_touch,
        sum(case when is_handled then 1 else 0 end) as tickets_handled,
        sum(case when is_handled then work_seconds else 0 end) as handled_work_seconds,
        avg(first_reply_seconds) as first_reply_seconds_avg,
        {{ cx_metrics.percentile('first_reply_seconds', 0.5) }} as first_reply_seconds_p50,
        avg(case when is_solved then full_resolution_seconds end) as full_resolution_seconds_avg
    from tickets
    group by created_date, channel
)

select
    date_day,
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(tickets_created as {{ dbt.type_bigint() }}) as tickets_created,
    cast(tickets_solved as {{ dbt.type_bigint() }}) as tickets_solved,
    cast(first_reply_seconds_avg as {{ cx_metrics.type_double() }}) as first_reply_seconds_avg,
    cast(first_reply_seconds_p50 as {{ cx_metrics.type_double() }}) as first_reply_seconds_p50,
    cast(full_resolution_seconds_avg as {{ cx_metrics.type_double() }}) as full_resolution_seconds_avg,
    cast({{ cx_metrics.safe_divide('tickets_solved_reopened', 'tickets_solved') }} as {{ cx_metrics.type_double() }})
        as reopen_rate,
    cast({{ cx_metrics.safe_divide('tickets_one_touch', 'tickets_solved') }} as {{ cx_metrics.type_double() }})
        as one_touch_rate,
    cast(
        case
            when channel <> 'phone' then {{ cx_metrics.safe_divide('handled_work_seconds', 'tickets_handled') }}
        end as {{ cx_metrics.type_double() }}
    ) as ticket_aht_seconds
from aggregated
