{#-
    MetricFlow's day-grain time spine: one row per calendar day from
    2015-01-01 to 2034-12-31, from dbt.date_spine (portable; no package).
    MetricFlow reads it for cumulative and offset metrics and to fill
    days without activity; the marts keep their own spine, dim_dates.
-#}
with

days as (
    {{ dbt.date_spine('day', "cast('2015-01-01' as date)", "cast('2035-01-01' as date)") }}
)

select cast(days.date_day as date) as date_day
from days
