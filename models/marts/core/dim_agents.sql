{#- One row per agent, with team, site and loaded hourly cost. -#}
with

agents as (
    select * from {{ ref('stg_workforce__agents') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

described as (
    select
        agents.agent_id,
        agents.agent_name,
        agents.team,
        agents.site,
        agents.hourly_cost,
        agents.hired_on,
        agents.terminated_on,
        agents.terminated_on is null
        or agents.terminated_on > {{ cx_metrics.reporting_date('(select as_of.as_of from as_of)') }} as is_active
    from agents
)

select
    cast(agent_id as {{ dbt.type_string() }}) as agent_id,
    cast(agent_name as {{ dbt.type_string() }}) as agent_name,
    cast(team as {{ dbt.type_string() }}) as team,
    cast(site as {{ dbt.type_string() }}) as site,
    cast(hourly_cost as {{ cx_metrics.type_double() }}) as hourly_cost,
    hired_on,
    terminated_on,
    is_active
from described
