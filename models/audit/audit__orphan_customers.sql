{#-
    Activity rows naming a customer_id that the customers table lacks. They are
    kept (the customer is unknown, not the contact) and listed here, one row
    each, so the count is visible and traceable.
-#}

with

customers as (
    select customer_id from {{ ref('stg_commerce__customers') }}
),

activity as (
    select
        'calls' as source_table,
        call_id as record_key,
        customer_id
    from {{ ref('stg_telephony__calls') }}

    union all

    select
        'tickets' as source_table,
        ticket_id as record_key,
        customer_id
    from {{ ref('stg_helpdesk__tickets') }}

    union all

    select
        'survey_responses' as source_table,
        response_id as record_key,
        customer_id
    from {{ ref('stg_surveys__survey_responses') }}

    union all

    select
        'orders' as source_table,
        order_id as record_key,
        customer_id
    from {{ ref('stg_commerce__orders') }}
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
