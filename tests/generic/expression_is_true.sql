{#
    Fails with the rows for which `expression` is not true (nulls count as
    failures unless the expression handles them). Our own, as the package hub
    is out of reach.
#}
{% test expression_is_true(model, expression, where_clause=none, column_name=none) %}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{%- if where_clause %}
    and {{ where_clause }}
{%- endif %}
{% endtest %}
