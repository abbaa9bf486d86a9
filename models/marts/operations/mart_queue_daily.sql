{#-
    Phone efficiency per reporting-timezone day (of queued_at) and queue,
    over inbound legs (and outbound legs for AHT when aht_include_outbound).
-#}
with

call_legs as (
    select * from {{ ref('fct_call_legs') }}
),

reported_legs as (
    select *
    from call_legs
    where is_inbound or is_in_aht_scope
),

aggregated as (
    select
        queued_date as date_day,
        queue,
        sum(case when is_offered then 1 else 0 end) as offered_legs,
        sum(case when is_inbound and is_answered then 1 else 0 end) as answered_legs,
        sum(case when is_abandoned then 1 else 0 end) as abandoned_legs,
        sum(case when is_short_abandon then 1 else 0 end) as short_abandoned_legs,
        sum(case when is_answered_within_sl then 1 else 0 end) as answered_within_sl,
        sum(case when is_inbound and is_answered_transferred then 1 else 0 end) as transferred_legs,
        sum(case when is_inbound and is_answered then wait_seconds else 0 end) as answered_wait_seconds,
        sum(case when is_in_aht_scope then 1 else 0 end) as aht_legs,
        sum(case when is_in_aht_scope then handle_seconds else 0 end) as handle_seconds_total,
        {{ cx_metrics.percentile('case when is_in_aht_scope then handle_seconds end', 0.5) }} as aht_p50_seconds,
        {{ cx_metrics.percentile('case when is_in_aht_scope then handle_seconds end', 0.9) }} as aht_p90_seconds
    from reported_legs
    group by queued_date, queue
),

rated as (
    select
        *,
        {%- if var('service_level_counts_abandons') %}
        {{ cx_metrics.safe_divide('answered_within_sl', 'offered_legs') }} as service_level,
        {%- else %}
        {{ cx_metrics.safe_divide('answered_within_sl', 'answered_legs') }} as service_level,
        {%- endif %}
        {{ cx_metrics.safe_divide('abandoned_legs', 'offered_legs') }} as abandon_rate,
        {{ cx_metrics.safe_divide('answered_wait_seconds', 'answered_legs') }} as asa_seconds,
        {{ cx_metrics.safe_divide('handle_seconds_total', 'aht_legs') }} as aht_seconds,
        {{ cx_metrics.safe_divide('transferred_legs', 'answered_legs') }} as transfer_rate
    from aggregated
)

select
    date_day,
    cast(queue as {{ dbt.type_string() }}) as queue,
    cast(offered_legs as {{ dbt.type_bigint() }}) as offered_legs,
    cast(answered_legs as {{ dbt.type_bigint() }}) as answered_legs,
    cast(abandoned_legs as {{ dbt.type_bigint() }}) as abandoned_legs,
    cast(short_abandoned_legs as {{ dbt.type_bigint() }}) as short_abandoned_legs,
    cast(answered_within_sl as {{ dbt.type_bigint() }}) as answered_within_sl,
    cast(service_level as {{ cx_metrics.type_double() }}) as service_level,
    cast(abandon_rate as {{ cx_metrics.type_double() }}) as abandon_rate,
    cast(asa_seconds as {{ cx_metrics.type_double() }}) as asa_seconds,
    cast(aht_seconds as {{ cx_metrics.type_double() }}) as aht_seconds,
    cast(aht_p50_seconds as {{ cx_metrics.type_double() }}) as aht_p50_seconds,
    cast(aht_p90_seconds as {{ cx_metrics.type_double() }}) as aht_p90_seconds,
    cast(transfer_rate as {{ cx_metrics.type_double() }}) as transfer_rate,
    cast(handle_seconds_total as {{ dbt.type_bigint() }}) as handle_seconds_total
from rated
