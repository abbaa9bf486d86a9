{#
    The return window of an order (docs/metrics.md: Cost and value, returns
    deflected): the return_window_days after ordered_at. One definition for
    mart_returns_deflection_monthly and the per-product analysis.

    return_window_closed(ordered_at, as_of): the window has closed by as_of,
    ordered_at + return_window_days <= as_of.
    in_return_window(ordered_at, at): `at` lies in the window, which is open at
    the order and closed at its end, (ordered_at, ordered_at + return_window_days].
#}
{% macro return_window_closed(ordered_at, as_of) -%}
    {{ dbt.dateadd('day', var('return_window_days'), ordered_at) }} <= {{ as_of }}
{%- endmacro %}

{% macro in_return_window(ordered_at, at) -%}
    ({{ ordered_at }} < {{ at }} and {{ dbt.dateadd('day', var('return_window_days'), ordered_at) }} >= {{ at }})
{%- endmacro %}
