-- mart_agent_quality_monthly.work_cost is mart_agent_daily.work_cost summed
-- over the month, null for the same agents (missing from agents): every
-- agent-month with logged work has a quality row with that cost, and a
-- quality row without logged work has cost 0 (known agent) or null
-- (unknown agent). Fails with one row per agent-month that disagrees.
with

agent_daily as (
    select * from {{ ref('mart_agent_daily') }}
),

agent_quality as (
    select * from {{ ref('mart_agent_quality_monthly') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

daily_months as (
    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month,
        agent_id,
        sum(work_cost) as work_cost,
        count(work_cost) as costed_days
    from agent_daily
    group by cast({{ dbt.date_trunc('month', 'date_day') }} as date), agent_id
),

compared as (
    select
        coalesce(daily_months.month, agent_quality.month) as month,
        coalesce(daily_months.agent_id, agent_quality.agent_id) as agent_id,
        case
            when daily_months.costed_days > 0 then daily_months.work_cost
            when daily_months.agent_id is null and agents.hourly_cost is not null then 0
        end as expected_work_cost,
        agent_quality.month is not null as has_quality_row,
        agent_quality.work_cost
    from daily_months
    full outer join agent_quality
        on daily_months.month = agent_quality.month and daily_months.agent_id = agent_quality.agent_id
    left join agents
        on coalesce(daily_months.agent_id, agent_quality.agent_id) = agents.agent_id
)

select
    month,
    agent_id,
    expected_work_cost,
    has_quality_row,
    work_cost
from compared
where
    not has_quality_row
    or (expected_work_cost is null) <> (work_cost is null)
    or abs(expected_work_cost - work_cost) > 1e-9
