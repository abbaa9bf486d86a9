{#
    scorecard_rates(relation): the scorecard metrics computed from the
    additive counts of input_scorecard_daily_counts (summed to any grain) in
    `relation`, as a select list (no trailing comma). Written once so the
    daily and monthly scorecards share every definition. `columns` picks a
    subset (default: every metric scorecard_metrics() lists with source
    counts, in scorecard order); a definition that list lacks, or a listed
    metric without one, stops compilation.
#}
{% macro scorecard_rates(relation, columns=none) -%}
    {%- set r = relation ~ '.' -%}
    {%- if var('service_level_counts_abandons') -%}
        {%- set sl_denominator = r ~ 'offered_legs' -%}
    {%- else -%}
        {%- set sl_denominator = r ~ 'answered_legs' -%}
    {%- endif -%}
    {%- set definitions = {
        'contacts': 'cast(' ~ r ~ 'contacts as ' ~ dbt.type_bigint() ~ ')',
        'handled_contacts': 'cast(' ~ r ~ 'handled_contacts as ' ~ dbt.type_bigint() ~ ')',
        'aht_minutes': cx_metrics.safe_divide(r ~ 'aht_handle_seconds', '60 * ' ~ r ~ 'aht_legs'),
        'asa_seconds': cx_metrics.safe_divide(r ~ 'answered_wait_seconds', r ~ 'answered_legs'),
        'service_level': cx_metrics.safe_divide(r ~ 'answered_within_sl', sl_denominator),
        'abandon_rate': cx_metrics.safe_divide(r ~ 'abandoned_legs', r ~ 'offered_legs'),
        'fcr_rate': cx_metrics.safe_divide(r ~ 'fcr_contacts', r ~ 'evaluable_contacts'),
        'repeat_contact_rate': cx_metrics.safe_divide(r ~ 'repeated_contacts', r ~ 'evaluable_contacts'),
        'callback_rate': cx_metrics.safe_divide(r ~ 'callback_contacts', r ~ 'evaluable_phone_contacts'),
        'reopen_rate': cx_metrics.safe_divide(r ~ 'reopened_solved_tickets', r ~ 'solved_tickets'),
        'nps': cx_metrics.safe_divide('100 * (' ~ r ~ 'promoters - ' ~ r ~ 'detractors)', r ~ 'nps_responses'),
        'csat': cx_metrics.safe_divide('100 * ' ~ r ~ 'csat_satisfied', r ~ 'csat_responses'),
        'ces': cx_metrics.safe_divide(r ~ 'ces_score_total', r ~ 'ces_responses'),
        'sps': cx_metrics.safe_divide(
            '100 * (' ~ r ~ 'positive_recommendations - ' ~ r ~ 'negative_recommendations)',
            r ~ 'recommendation_mentions'
        ),
        'empathy_mean': cx_metrics.safe_divide(r ~ 'empathy_score_total', r ~ 'evaluations'),
        'compliance_rate': cx_metrics.safe_divide(r ~ 'evaluations_passed', r ~ 'evaluations'),
        'work_cost': r ~ 'work_cost',
        'cost_per_contact': cx_metrics.safe_divide(r ~ 'work_cost', r ~ 'handled_contacts'),
        'revenue': r ~ 'revenue',
    } -%}
    {%- set listed = cx_metrics.scorecard_metric_names(sources=['counts']) -%}
    {%- if (definitions.keys() | sort) != (listed | sort) -%}
        {{ exceptions.raise_compiler_error(
            "scorecard_rates defines " ~ (definitions.keys() | sort | join(', '))
            ~ " but scorecard_metrics() lists as counts " ~ (listed | sort | join(', '))
            ~ ": define each counts metric once, in both places."
        ) }}
    {%- endif -%}
    {%- set order = columns or listed -%}
    {%- for name in order %}
    {%- if name in ['contacts', 'handled_contacts'] %}
    {{ definitions[name] }} as {{ name }}
    {%- else %}
    cast({{ definitions[name] }} as {{ cx_metrics.type_double() }}) as {{ name }}
    {%- endif %}
    {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
