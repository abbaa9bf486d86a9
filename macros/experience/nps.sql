{#
    nps_margin_of_error(promoters, detractors, responses): the 95% margin of
    error of an NPS in points, 100 x 1.96 x sqrt((p + d - (p - d)^2) / n),
    p and d the promoter and detractor shares. Computed from the counts as
    196 x sqrt(((P + D) x n - (P - D)^2) / n^3) so the part under the root is
    integer arithmetic, identical on every engine. Null when n = 0.
#}
{% macro nps_margin_of_error(promoters, detractors, responses) -%}
    (196 * sqrt(
        {{ cx_metrics.safe_divide(
            '(' ~ promoters ~ ' + ' ~ detractors ~ ') * ' ~ responses
            ~ ' - (' ~ promoters ~ ' - ' ~ detractors ~ ') * (' ~ promoters ~ ' - ' ~ detractors ~ ')',
            responses ~ ' * ' ~ responses ~ ' * ' ~ responses
        ) }}
    ))
{%- endmacro %}
