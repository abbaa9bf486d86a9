{#-
    row_as_json gives the same JSON text on every engine: every value as a
    JSON string of its text cast (timestamps as `YYYY-MM-DD hh:mm:ss[.ffffff]`,
    decimals with their scale, booleans as true/false), null as null, and
    backslash, double quote and newline escaped; rows returned = failures.
    chr(92) is a backslash, chr(34) a double quote, chr(10) a newline.
-#}

with

cases as (
    select
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(note as {{ dbt.type_string() }}) as note,
        cast(happened_at as {{ dbt.type_timestamp() }}) as happened_at,
        cast(amount as decimal(12, 2)) as amount,
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(flag as boolean) as flag,
        cast(launched_on as date) as launched_on,
        expected_template
    from (
        values
        (
            'r1', 'plain', '2026-06-01 13:00:00', '12.50', '3', 'true', '2026-06-01',
            '{"record_id":"r1","note":"plain","happened_at":"2026-06-01 13:00:00","amount":"12.50",'
            || '"quantity":"3","flag":"true","launched_on":"2026-06-01"}'
        ),
        (
            'r2', 'say Q hiQ B path N next', '2026-06-01 13:00:00.250', '-5.00', '-1', 'false', '2026-12-31',
            '{"record_id":"r2","note":"say BQ hiBQ BB path Bn next","happened_at":"2026-06-01 13:00:00.25",'
            || '"amount":"-5.00","quantity":"-1","flag":"false","launched_on":"2026-12-31"}'
        ),
        (
            'r3', null, null, null, null, null, null,
            '{"record_id":"r3","note":null,"happened_at":null,"amount":null,"quantity":null,"flag":null,'
            || '"launched_on":null}'
        )
    ) as raw_cases (record_id, note, happened_at, amount, quantity, flag, launched_on, expected_template)  -- noqa: AL05
),

inputs as (
    -- Q, B and N in the inputs stand for a double quote, a backslash and a newline.
    select
        record_id,
        replace(replace(replace(note, 'Q', chr(34)), 'B', chr(92)), 'N', chr(10)) as note,
        happened_at,
        amount,
        quantity,
        flag,
        launched_on,
        replace(replace(expected_template, 'BQ', chr(92) || chr(34)), 'B', chr(92)) as expected
    from cases
),

rendered as (
    select
        *,
        {{ cx_metrics.row_as_json(['record_id', 'note', 'happened_at', 'amount', 'quantity', 'flag', 'launched_on']) }}
            as got
    from inputs
)

select *
from rendered
where not coalesce(got = expected, false)
