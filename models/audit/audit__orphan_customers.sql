{#-
    Activity rows naming a customer_id that the customers table lacks. They are
    kept (the customer is unknown, not the contact) and listed here, one row
    each, so the count is visible and traceable. An incremental build rebuilds
    the ids in base_incremental_scope__customers (an activity row's customer
    decides whether it is listed, and under which id).
-#}
{{ cx_metrics.scoped_model_config('customer_id', 'base_incremental_scope__customers') }}

with

customers as (
    select customer_id from {{ ref('stg_commerce__customers') }}
    -- depends_on: {{ ref('base_incremental_scope__customers') }}
    where {{ cx_metrics.in_scope('customer_id', 'base_incremental_scope__customers') }}
),

activity as (
    select
        'calls' as source_table,
        call_id as record_key,
        customer_id
    from {{ ref('stg_telephony__calls') }}
    where {{ cx_metrics.in_scope('customer_id', 'base_incremental_scope__customers') }}

    union all

    select
        'tickets' as source_table,
        ticket_id as record_key,
        customer_id
    from {{ ref('stg_helpdesk__tickets') }}
    where {{ cx_metrics.in_scope('customer_id', 'base_incremental_scope__customers') }}

    union all

    select
        'survey_responses' as source_table,
        response_id as record_key,
        customer_id
    from {{ ref('stg_surveys__survey_responses') }}
    where {{ cx_metrics.in_scope('customer_id', 'base_incremental_scope__customers') }}

    union all

    select
        'orders' as source_table,
        order_id as record_key,
        customer_id
    from {{ ref('stg_commerce__orders') }}
    where {{ cx_metrics.in_scope('customer_id', 'base_incremental_scope__customers') }}
),

orphans as (
    select
        activity.source_table,
        activity.record_key,
        activity.customer_id
    from activity
    left join customers
        on activity.customer_id = customers.customer_id
    where activity.customer_id is not null and customers.customer_id is null
)

select * from orphans
