{#- seconds_between: exact elapsed seconds with fractions; rows returned = failures. -#}

with

cases as (
    select
        label,
        cast(started_at as {{ dbt.type_timestamp() }}) as started_at,
        cast(ended_at as {{ dbt.type_timestamp() }}) as ended_at,
        expected
    from (
        values
        ('zero', '2026-06-01 12:00:00', '2026-06-01 12:00:00', 0.0),
        ('whole seconds', '2026-06-01 12:00:00', '2026-06-01 12:05:15', 315.0),
        ('fraction', '2026-06-01 12:00:00.250', '2026-06-01 12:00:01', 0.75),
        ('microseconds', '2026-06-01 12:00:00', '2026-06-01 12:00:00.000001', 0.000001),
        ('negative', '2026-06-01 12:00:10', '2026-06-01 12:00:00.500', -9.5),
        ('over midnight and month end', '2026-06-30 23:59:59', '2026-07-01 00:00:01', 2.0),
        ('across a DST change (UTC has none)', '2026-03-29 00:00:00', '2026-03-29 04:00:00', 14400.0),
        ('leap day', '2028-02-28 00:00:00', '2028-03-01 00:00:00', 172800.0)
    ) as raw_cases (label, started_at, ended_at, expected)  -- noqa: AL05
),

measured as (
    select
        *,
        {{ cx_metrics.seconds_between('started_at', 'ended_at') }} as got
    from cases
)

select *
from measured
where
    not coalesce(abs(got - expected) < 1e-9, false)
    or {{ cx_metrics.seconds_between('started_at', 'cast(null as ' ~ dbt.type_timestamp() ~ ')') }} is not null
