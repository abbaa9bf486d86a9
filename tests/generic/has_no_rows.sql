{#
    For report models (audits): fails (or warns, with severity: warn) when the
    model has any row, so what it lists is shown in the dbt output.
#}
{% test has_no_rows(model) %}
select * from {{ model }}
{% endtest %}
