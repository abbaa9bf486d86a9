{#-
    One row per customer id the business knows, plus one per id that calls,
    tickets or orders name but `customers` lacks (orphans: unknown customers,
    kept so every fact's customer_id joins). An incremental build rebuilds the
    ids in base_incremental_scope__customers.
-#}
{{ cx_metrics.scoped_model_config('customer_id', 'base_incremental_scope__customers') }}

with

customers as (
    select * from {{ ref('stg_commerce__customers') }}
    -- depends_on: {{ ref('base_incremental_scope__customers') }}
    where {{ cx_metrics.in_scope('customer_id', 'base_incremental_scope__customers') }}
),

calls as (
    select * from {{ ref('stg_telephony__calls') }}
    where {{ cx_metrics.in_scope('customer_id', 'base_incremental_scope__customers') }}
),

tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
    where {{ cx_metrics.in_scope('customer_id', 'base_incremental_scope__customers') }}
),

orders as (
    select * from {{ ref('stg_commerce__orders') }}
    where {{ cx_metrics.in_scope('customer_id', 'base_incremental_scope__customers') }}
),

referenced_ids as (
    select calls.customer_id from calls
    where calls.customer_id is not null
    union
    select tickets.customer_id from tickets
    where tickets.customer_id is not null
    union
    select orders.customer_id from orders
    where orders.customer_id is not null
),

orphan_customers as (
    select referenced_ids.customer_id
    from referenced_ids
    left join customers
        on referenced_ids.customer_id = customers.customer_id
    where customers.customer_id is null
),

all_customers as (
    select
        customers.customer_id,
        true as is_known_customer,
        customers.segment,
        customers.country,
        customers.created_at
    from customers
    union all
    select
        orphan_customers.customer_id,
        false as is_known_customer,
        cast(null as {{ dbt.type_string() }}) as segment,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_timestamp() }}) as created_at
    from orphan_customers
)

select
    cast(customer_id as {{ dbt.type_string() }}) as customer_id,
    is_known_customer,
    cast(segment as {{ dbt.type_string() }}) as segment,
    cast(country as {{ dbt.type_string() }}) as country,
    created_at,
    {{ cx_metrics.reporting_date('created_at') }} as created_date
from all_customers
