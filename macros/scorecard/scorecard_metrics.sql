{#
    scorecard_metrics(): the scorecard's metrics in column order, the one
    list mart_scorecard_monthly, mart_scorecard_daily,
    input_scorecard_metrics_monthly, scorecard_rates and the IXS validation
    read (a singular test holds the models' YAML to it). Each is
    {name, source, daily}: source `counts` = a rate or count of
    input_scorecard_daily_counts (scorecard_rates), `retention` and
    `deflection` = monthly cohorts (input_scorecard_metrics_monthly), `ixs` =
    the IXS (mart_ixs_monthly); daily = also in mart_scorecard_daily.
    Adding a metric: add it here, define it where its source says, and give
    both scorecard marts' YAML its column and prev_ column.
#}
{% macro scorecard_metrics() -%}
    {{ return([
        {'name': 'contacts', 'source': 'counts', 'daily': true},
        {'name': 'handled_contacts', 'source': 'counts', 'daily': true},
        {'name': 'aht_minutes', 'source': 'counts', 'daily': true},
        {'name': 'asa_seconds', 'source': 'counts', 'daily': true},
        {'name': 'service_level', 'source': 'counts', 'daily': true},
        {'name': 'abandon_rate', 'source': 'counts', 'daily': true},
        {'name': 'fcr_rate', 'source': 'counts', 'daily': true},
        {'name': 'repeat_contact_rate', 'source': 'counts', 'daily': true},
        {'name': 'callback_rate', 'source': 'counts', 'daily': true},
        {'name': 'reopen_rate', 'source': 'counts', 'daily': true},
        {'name': 'nps', 'source': 'counts', 'daily': true},
        {'name': 'csat', 'source': 'counts', 'daily': true},
        {'name': 'ces', 'source': 'counts', 'daily': true},
        {'name': 'sps', 'source': 'counts', 'daily': false},
        {'name': 'empathy_mean', 'source': 'counts', 'daily': false},
        {'name': 'compliance_rate', 'source': 'counts', 'daily': false},
        {'name': 'work_cost', 'source': 'counts', 'daily': true},
        {'name': 'cost_per_contact', 'source': 'counts', 'daily': true},
        {'name': 'revenue', 'source': 'counts', 'daily': true},
        {'name': 'retention_rate', 'source': 'retention', 'daily': false},
        {'name': 'benefit_cost_ratio', 'source': 'deflection', 'daily': false},
        {'name': 'ixs', 'source': 'ixs', 'daily': false},
    ]) }}
{%- endmacro %}

{#
    scorecard_metric_names(daily=false, sources=none): the names of
    scorecard_metrics(), in order; daily=true keeps the daily ones, sources
    (a list) keeps those of these sources.
#}
{% macro scorecard_metric_names(daily=false, sources=none) -%}
    {%- set names = [] -%}
    {%- for metric in cx_metrics.scorecard_metrics() -%}
        {%- if (not daily or metric.daily) and (sources is none or metric.source in sources) -%}
            {%- do names.append(metric.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{#
    scorecard_panel_columns(relation, period, names): the final select list
    of a scorecard mart: `period`, then each metric of `names`, then its
    prev_ column (the value in the previous period, by `period`).
#}
{% macro scorecard_panel_columns(relation, period, names) -%}
    {{ relation }}.{{ period }},
    {%- for name in names %}
    {{ relation }}.{{ name }},
    {%- endfor %}
    {%- for name in names %}
    lag({{ relation }}.{{ name }}) over (order by {{ relation }}.{{ period }}) as prev_{{ name }}
    {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#
    contact_outcome_counts(): the additive counts of fct_contact_outcomes
    behind FCR, repeat and call-back rates, as a select list (no trailing
    comma) over its columns: handled, evaluable, fcr, repeated, evaluable
    phone and call-back contacts. input_scorecard_daily_counts and
    mart_fcr_daily both count with it.
#}
{% macro contact_outcome_counts() -%}
    {{ cx_metrics.count_if('is_handled') }} as handled_contacts,
    {{ cx_metrics.count_if('is_evaluable') }} as evaluable_contacts,
    {{ cx_metrics.count_if("fcr_status = 'fcr'") }} as fcr_contacts,
    {{ cx_metrics.count_if('is_evaluable and has_repeat') }} as repeated_contacts,
    {{ cx_metrics.count_if("is_evaluable and contact_type = 'call'") }} as evaluable_phone_contacts,
    {{ cx_metrics.count_if("is_evaluable and contact_type = 'call' and has_callback") }} as callback_contacts
{%- endmacro %}
