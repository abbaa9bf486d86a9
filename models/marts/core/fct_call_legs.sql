{{ cx_metrics.scoped_model_config('call_id', 'int_incremental_scope__calls') }}
{#-
    One row per clean call leg queued up to as_of, with the per-leg
    efficiency measures of docs/metrics.md (Efficiency: phone, per inbound leg).
-#}
with

call_chains as (
    select * from {{ ref('int_call_chains') }}
    -- an incremental build rebuilds the legs in scope (macros/incremental/incremental.sql)
    -- depends_on: {{ ref('int_incremental_scope__calls') }}
    where {{ cx_metrics.in_scope('call_id', 'int_incremental_scope__calls') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

reported_legs as (
    select call_chains.*
    from call_chains
    where call_chains.queued_at <= (select as_of.as_of from as_of)
),

measured as (
    select
        *,
        direction = 'inbound' as is_inbound,
        answered_at is not null as is_answered,
        case
            when answered_at is not null then {{ cx_metrics.seconds_between('queued_at', 'answered_at') }}
            else {{ cx_metrics.seconds_between('queued_at', 'ended_at') }}
        end as wait_seconds,
        case
            when answered_at is not null then talk_seconds + hold_seconds + acw_seconds
        end as handle_seconds
    from reported_legs
),

classified as (
    select
        *,
        is_inbound and not is_answered
        and wait_seconds < {{ var('short_abandon_seconds') }} as is_short_abandon,
        is_inbound and not is_answered
        and wait_seconds >= {{ var('short_abandon_seconds') }} as is_abandoned,
        is_inbound and is_answered
        and wait_seconds <= {{ var('service_level_seconds') }} as is_answered_within_sl,
        is_answered and is_transferred as is_answered_transferred,
        is_answered and (
            is_inbound
            {%- if var('aht_include_outbound') %} or direction = 'outbound'{% endif %}
        ) as is_in_aht_scope
    from measured
)

select
    cast(call_id as {{ dbt.type_string() }}) as call_id,
    cast(parent_call_id as {{ dbt.type_string() }}) as parent_call_id,
    cast(root_call_id as {{ dbt.type_string() }}) as root_call_id,
    cast(leg_depth as {{ dbt.type_int() }}) as leg_depth,
    cast(leg_sequence as {{ dbt.type_int() }}) as leg_sequence,
    cast(chain_status as {{ dbt.type_string() }}) as chain_status,
    cast(chain_direction as {{ dbt.type_string() }}) as chain_direction,
    cast(direction as {{ dbt.type_string() }}) as direction,
    cast(customer_id as {{ dbt.type_string() }}) as customer_id,
    cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
    cast(agent_id as {{ dbt.type_string() }}) as agent_id,
    cast(queue as {{ dbt.type_string() }}) as queue,
    cast(disposition as {{ dbt.type_string() }}) as disposition,
    queued_at,
    answered_at,
    ended_at,
    {{ cx_metrics.reporting_date('queued_at') }} as queued_date,
    cast(wait_seconds as {{ cx_metrics.type_double() }}) as wait_seconds,
    cast(talk_seconds as {{ dbt.type_bigint() }}) as talk_seconds,
    cast(hold_seconds as {{ dbt.type_bigint() }}) as hold_seconds,
    cast(acw_seconds as {{ dbt.type_bigint() }}) as acw_seconds,
    cast(handle_seconds as {{ dbt.type_bigint() }}) as handle_seconds,
    is_inbound,
    is_answered,
    is_inbound and not is_short_abandon as is_offered,
    is_abandoned,
    is_short_abandon,
    is_answered_within_sl,
    is_transferred,
    is_answered_transferred,
    is_in_aht_scope
from classified
