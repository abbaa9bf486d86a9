{#-
    One row per agent id the workforce list knows, with team, site and loaded
    hourly cost, plus one per id that call legs, tickets (assignee), ticket
    events or QA evaluations name but `agents` lacks (unknown agents, kept so
    every fact's agent_id joins): is_known_agent false, no team, site or
    cost (their work cost is unknown, never 0).
-#}
with

agents as (
    select * from {{ ref('stg_workforce__agents') }}
),

calls as (
    select * from {{ ref('stg_telephony__calls') }}
),

tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
),

ticket_events as (
    select * from {{ ref('stg_helpdesk__ticket_events') }}
),

qa_evaluations as (
    select * from {{ ref('stg_quality__qa_evaluations') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

referenced_ids as (
    select calls.agent_id from calls
    where calls.agent_id is not null
    union
    select tickets.assignee_agent_id as agent_id from tickets
    where tickets.assignee_agent_id is not null
    union
    select ticket_events.agent_id from ticket_events
    where ticket_events.agent_id is not null
    union
    select qa_evaluations.agent_id from qa_evaluations
    where qa_evaluations.agent_id is not null
),

unknown_agents as (
    select referenced_ids.agent_id
    from referenced_ids
    left join agents
        on referenced_ids.agent_id = agents.agent_id
    where agents.agent_id is null
),

known_agents as (
    select
        agents.agent_id,
        true as is_known_agent,
        agents.agent_name,
        agents.team,
        agents.site,
        agents.hourly_cost,
        agents.hired_on,
        agents.terminated_on,
        agents.terminated_on is null
        or agents.terminated_on > {{ cx_metrics.reporting_date('(select as_of.as_of from as_of)') }} as is_active
    from agents
),

all_agents as (
    select
        known_agents.agent_id,
        known_agents.is_known_agent,
        known_agents.agent_name,
        known_agents.team,
        known_agents.site,
        known_agents.hourly_cost,
        known_agents.hired_on,
        known_agents.terminated_on,
        known_agents.is_active
    from known_agents
    union all
    select
        unknown_agents.agent_id,
        false as is_known_agent,
        cast(null as {{ dbt.type_string() }}) as agent_name,
        cast(null as {{ dbt.type_string() }}) as team,
        cast(null as {{ dbt.type_string() }}) as site,
        cast(null as {{ cx_metrics.type_double() }}) as hourly_cost,
        cast(null as date) as hired_on,
        cast(null as date) as terminated_on,
        cast(null as {{ dbt.type_boolean() }}) as is_active
    from unknown_agents
)

select
    cast(agent_id as {{ dbt.type_string() }}) as agent_id,
    is_known_agent,
    cast(agent_name as {{ dbt.type_string() }}) as agent_name,
    cast(team as {{ dbt.type_string() }}) as team,
    cast(site as {{ dbt.type_string() }}) as site,
    cast(hourly_cost as {{ cx_metrics.type_double() }}) as hourly_cost,
    hired_on,
    terminated_on,
    is_active
from all_agents
