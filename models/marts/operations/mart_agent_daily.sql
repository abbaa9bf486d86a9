{#-
    Agent workload per reporting-timezone day: answered legs (by day of
    queued_at), ticket work (by day of the event: int_ticket_agent_days) and
    its cost.
-#}
with

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

ticket_agent_days as (
    select * from {{ ref('int_ticket_agent_days') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

leg_days as (
    select
        queued_date as date_day,
        agent_id,
        sum(case when is_inbound and is_answered then 1 else 0 end) as answered_legs,
        sum(case when is_inbound and is_answered_transferred then 1 else 0 end) as transferred_legs,
        sum(case when is_in_aht_scope then 1 else 0 end) as aht_legs,
        sum(case when is_in_aht_scope then handle_seconds else 0 end) as handle_seconds_total,
        sum(case when is_answered then handle_seconds else 0 end) as all_leg_handle_seconds
    from call_legs
    where agent_id is not null and is_answered
    group by queued_date, agent_id
),

ticket_days as (
    -- one row per ticket, agent and day: the tickets handled are the rows that replied
    select
        date_day,
        agent_id,
        sum(case when has_agent_reply then 1 else 0 end) as tickets_handled,
        sum(ticket_work_seconds) as ticket_work_seconds
    from ticket_agent_days
    group by date_day, agent_id
),

agent_days as (
    select
        leg_days.date_day,
        leg_days.agent_id
    from leg_days
    union
    select
        ticket_days.date_day,
        ticket_days.agent_id
    from ticket_days
),

joined as (
    select
        agent_days.date_day,
        agent_days.agent_id,
        agents.team,
        {{ cx_metrics.zero_if_present('leg_days.answered_legs', ['calls']) }} as answered_legs,
        {{ cx_metrics.zero_if_present('leg_days.transferred_legs', ['calls']) }} as transferred_legs,
        {{ cx_metrics.zero_if_present('leg_days.aht_legs', ['calls']) }} as aht_legs,
        {{ cx_metrics.zero_if_present('leg_days.handle_seconds_total', ['calls']) }} as handle_seconds_total,
        {{ cx_metrics.zero_if_present('leg_days.all_leg_handle_seconds', ['calls']) }} as all_leg_handle_seconds,
        {{ cx_metrics.zero_if_present('ticket_days.tickets_handled', ['ticket_events']) }} as tickets_handled,
        {{ cx_metrics.zero_if_present('ticket_days.ticket_work_seconds', ['ticket_events']) }} as ticket_work_seconds,
        agents.hourly_cost
    from agent_days
    left join leg_days
        on agent_days.date_day = leg_days.date_day and agent_days.agent_id = leg_days.agent_id
    left join ticket_days
        on agent_days.date_day = ticket_days.date_day and agent_days.agent_id = ticket_days.agent_id
    left join agents
        on agent_days.agent_id = agents.agent_id
)

select
    date_day,
    cast(agent_id as {{ dbt.type_string() }}) as agent_id,
    cast(team as {{ dbt.type_string() }}) as team,
    cast(answered_legs as {{ dbt.type_bigint() }}) as answered_legs,
    cast(handle_seconds_total as {{ dbt.type_bigint() }}) as handle_seconds_total,
    cast({{ cx_metrics.safe_divide('handle_seconds_total', 'aht_legs') }} as {{ cx_metrics.type_double() }})
        as aht_seconds,
    cast({{ cx_metrics.safe_divide('transferred_legs', 'answered_legs') }} as {{ cx_metrics.type_double() }})
        as transfer_rate,
    cast(tickets_handled as {{ dbt.type_bigint() }}) as tickets_handled,
    cast(ticket_work_seconds as {{ dbt.type_bigint() }}) as ticket_work_seconds,
    -- the work of the sources present (a part over an absent source is null, not 0)
    cast(
        (coalesce(all_leg_handle_seconds, 0) + coalesce(ticket_work_seconds, 0)) * hourly_cost / 3600.0
        as {{ cx_metrics.type_double() }}
    ) as work_cost
from joined
