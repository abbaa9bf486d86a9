{#-
    to_reporting_tz / reporting_date: UTC instants as wall-clock time in a
    reporting zone, across both DST changes of 2026 in Berlin (Mar 29, Oct 25)
    and New York (Mar 8, Nov 1): `1`/`2` = the last second before / the first
    after a change, or the first / second of the repeated hour; and across a
    day boundary. Rows returned = failures.
-#}

with

cases as (
    select
        label,
        cast(utc_at as {{ dbt.type_timestamp() }}) as utc_at,
        cast(berlin_at as {{ dbt.type_timestamp() }}) as berlin_at,
        cast(new_york_at as {{ dbt.type_timestamp() }}) as new_york_at,
        cast(berlin_date as date) as berlin_date
    from (
        values
        ('winter', '2026-01-15 12:00:00', '2026-01-15 13:00:00', '2026-01-15 07:00:00', '2026-01-15'),
        ('summer', '2026-07-01 12:00:00', '2026-07-01 14:00:00', '2026-07-01 08:00:00', '2026-07-01'),
        ('ny spring 1', '2026-03-08 06:59:59', '2026-03-08 07:59:59', '2026-03-08 01:59:59', '2026-03-08'),
        ('ny spring 2', '2026-03-08 07:00:00', '2026-03-08 08:00:00', '2026-03-08 03:00:00', '2026-03-08'),
        ('berlin spring 1', '2026-03-29 00:59:59', '2026-03-29 01:59:59', '2026-03-28 20:59:59', '2026-03-29'),
        ('berlin spring 2', '2026-03-29 01:00:00', '2026-03-29 03:00:00', '2026-03-28 21:00:00', '2026-03-29'),
        ('berlin fall 1', '2026-10-25 00:30:00', '2026-10-25 02:30:00', '2026-10-24 20:30:00', '2026-10-25'),
        ('berlin fall 2', '2026-10-25 01:30:00', '2026-10-25 02:30:00', '2026-10-24 21:30:00', '2026-10-25'),
        ('ny fall 1', '2026-11-01 05:30:00', '2026-11-01 06:30:00', '2026-11-01 01:30:00', '2026-11-01'),
        ('ny fall 2', '2026-11-01 06:30:00', '2026-11-01 07:30:00', '2026-11-01 01:30:00', '2026-11-01'),
        ('day boundary', '2026-06-30 22:30:00.250', '2026-07-01 00:30:00.250', '2026-06-30 18:30:00.250', '2026-07-01')
    ) as raw_cases (label, utc_at, berlin_at, new_york_at, berlin_date)  -- noqa: AL05
),

converted as (
    select
        *,
        {{ cx_metrics.to_reporting_tz('utc_at', 'Europe/Berlin') }} as got_berlin_at,
        {{ cx_metrics.to_reporting_tz('utc_at', 'America/New_York') }} as got_new_york_at,
        {{ cx_metrics.to_reporting_tz('utc_at', 'UTC') }} as got_utc_at,
        {{ cx_metrics.reporting_date('utc_at', 'Europe/Berlin') }} as got_berlin_date
    from cases
)

select *
from converted
where
    not coalesce(got_berlin_at = berlin_at, false)
    or not coalesce(got_new_york_at = new_york_at, false)
    or not coalesce(got_utc_at = utc_at, false)
    or not coalesce(got_berlin_date = berlin_date, false)
    or {{ cx_metrics.to_reporting_tz('cast(null as ' ~ dbt.type_timestamp() ~ ')', 'Europe/Berlin') }} is not null
