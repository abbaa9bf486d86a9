{#
    Every row of a raw relation with `_row_rank`: 1 for the winning copy of its
    key, 2, 3, ... for older copies (order_by decides, e.g. '_loaded_at desc').

    Re-extracted keys are rare (about 1 % of rows), so only the rows of keys that
    occur more than once go through the row_number() window; every other row is
    its key's only copy and ranks 1. A window over all rows sorts every row with
    its whole payload: at 85 million helpdesk events that was 2.5 times slower and
    ran out of memory where this spills (BENCHMARKS.md). The result is the same as
    row_number() over all rows. Rows with a null key rank 1 (callers quarantine
    them as missing_key). The relation is read directly, not through a CTE that
    is referenced three times, so no engine materialises a copy of it.
#}
{% macro ranked_copies(relation, key_column, order_by) -%}
    {%- set copied_keys -%}
        select {{ key_column }}
        from {{ relation }}
        where {{ key_column }} is not null
        group by {{ key_column }}
        having count(*) > 1
    {%- endset -%}
    select
        single_copies.*,
        cast(1 as {{ dbt.type_bigint() }}) as _row_rank
    from {{ relation }} as single_copies
    where
        single_copies.{{ key_column }} is null
        or single_copies.{{ key_column }} not in ({{ copied_keys }})
    union all
    select
        several_copies.*,
        row_number() over (
            partition by several_copies.{{ key_column }}
            order by {{ order_by }}
        ) as _row_rank
    from {{ relation }} as several_copies
    where several_copies.{{ key_column }} in ({{ copied_keys }})
{%- endmacro %}
