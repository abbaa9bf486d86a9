{#-
    type_double is 8-byte (a 4-byte real is off by ~1e-8 at 1/3) and
    safe_divide never divides integers as integers (Postgres would truncate)
    and is null on a zero or null denominator; rows returned = failures.
-#}

with

cases as (
    select * from (
        values
        ('exact third', 1, 3, 0.333333333333333333),
        ('integers', 7, 2, 3.5),
        ('zero denominator', 1, 0, null),
        ('null numerator', null, 2, null),
        ('negative', -1, 4, -0.25)
    ) as raw_cases (label, numerator, denominator, expected)  -- noqa: AL05
),

divided as (
    select
        *,
        {{ cx_metrics.safe_divide('numerator', 'denominator') }} as got
    from cases
)

select *
from divided
where
    case
        when expected is null then got is not null
        else not coalesce(abs(got - expected) < 1e-15, false)
    end
