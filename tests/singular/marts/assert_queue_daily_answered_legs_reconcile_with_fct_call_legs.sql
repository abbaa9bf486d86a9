-- Answered legs in mart_queue_daily sum to the answered inbound legs of
-- fct_call_legs, in total and per day and queue. Fails with the days/queues
-- that disagree (also when a side is missing).
with

mart as (
    select
        date_day,
        queue,
        answered_legs,
        offered_legs
    from {{ ref('mart_queue_daily') }}
),

legs as (
    select
        queued_date as date_day,
        queue,
        sum(case when is_inbound and is_answered then 1 else 0 end) as answered_legs,
        sum(case when is_inbound and not is_short_abandon then 1 else 0 end) as offered_legs
    from {{ ref('fct_call_legs') }}
    where is_inbound
    group by queued_date, queue
),

compared as (
    select
        coalesce(mart.date_day, legs.date_day) as date_day,
        coalesce(mart.queue, legs.queue) as queue,
        mart.answered_legs as mart_answered_legs,
        legs.answered_legs as fct_answered_legs,
        mart.offered_legs as mart_offered_legs,
        legs.offered_legs as fct_offered_legs
    from mart
    full outer join legs
        on mart.date_day = legs.date_day and mart.queue = legs.queue
)

select *
from compared
where
    coalesce(mart_answered_legs, -1) <> coalesce(fct_answered_legs, -1)
    or coalesce(mart_offered_legs, -1) <> coalesce(fct_offered_legs, -1)
