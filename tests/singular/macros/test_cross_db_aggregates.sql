{#-
    percentile (continuous, interpolated), count_if, bool_or and
    string_agg_sorted per group; rows returned = failures.
-#}

with

observations as (
    select
        group_name,
        cast(amount as {{ cx_metrics.type_double() }}) as amount,
        label
    from (
        values
        ('four', 1, 'd'),
        ('four', 2, 'b'),
        ('four', 3, 'c'),
        ('four', 4, 'a'),
        ('one', 10, 'x'),
        ('with_null', 1, null),
        ('with_null', null, 'z'),
        ('with_null', 3, 'y')
    ) as raw_observations (group_name, amount, label)  -- noqa: AL05
),

expected as (
    select * from (
        values
        ('four', 2.5, 3.7, 1.0, 4.0, 2, true, 'a,b,c,d'),
        ('one', 10.0, 10.0, 10.0, 10.0, 0, true, 'x'),
        ('with_null', 2.0, 2.8, 1.0, 3.0, 1, false, 'y|z')
    ) as raw_expected (group_name, median, p90, p0, p100, above_two, any_above_three, labels)  -- noqa: AL05
),

got as (
    select
        group_name,
        {{ cx_metrics.percentile('amount', 0.5) }} as median,
        {{ cx_metrics.percentile('amount', 0.9) }} as p90,
        {{ cx_metrics.percentile('amount', 0) }} as p0,
        {{ cx_metrics.percentile('amount', 1) }} as p100,
        {{ cx_metrics.count_if('amount > 2 and amount < 10') }} as above_two,
        {{ cx_metrics.bool_or('amount > 3 and label is not null') }} as any_above_three,
        case
            when group_name = 'with_null' then {{ cx_metrics.string_agg_sorted('label', '|') }}
            else {{ cx_metrics.string_agg_sorted('label', ',') }}
        end as labels
    from observations
    group by group_name
)

select
    expected.*,
    got.median as got_median,
    got.p90 as got_p90,
    got.above_two as got_above_two,
    got.any_above_three as got_any_above_three,
    got.labels as got_labels
from expected
left join got
    on expected.group_name = got.group_name
where
    not coalesce(abs(got.median - expected.median) < 1e-9, false)
    or not coalesce(abs(got.p90 - expected.p90) < 1e-9, false)
    or not coalesce(abs(got.p0 - expected.p0) < 1e-9, false)
    or not coalesce(abs(got.p100 - expected.p100) < 1e-9, false)
    or not coalesce(got.above_two = expected.above_two, false)
    or not coalesce(got.any_above_three = expected.any_above_three, false)
    or not coalesce(got.labels = expected.labels, false)
