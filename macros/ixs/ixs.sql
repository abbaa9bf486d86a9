{#
    The Integral Experience Score (docs/ixs.md). var('ixs') is
        {components: [{metric, weight, worst, best}, ...]}
    and is validated here, at parse/compile time, so a wrong configuration
    stops the build before any SQL runs.
#}

{# The metrics a component may name: every metric column of mart_scorecard_monthly but ixs itself. #}
{% macro ixs_valid_metrics() -%}
    {{ return(cx_metrics.scorecard_metric_names() | reject('equalto', 'ixs') | list) }}
{%- endmacro %}

{% macro _ixs_fail(position, metric, problem) -%}
    {%- set valid = cx_metrics.ixs_valid_metrics() | sort | join(', ') -%}
    {{ exceptions.raise_compiler_error(
        "Invalid var 'ixs': component " ~ position ~ " (metric: " ~ metric ~ "): " ~ problem
        ~ ". Valid metric names: " ~ valid ~ "."
    ) }}
{%- endmacro %}

{% macro _ixs_is_number(value) -%}
    {{ return(value is number and value is not boolean) }}
{%- endmacro %}

{#
    ixs_components(config=none): the validated components of var('ixs') (or
    of `config`), as a list of dicts {metric, weight, worst, best} with
    numbers. Raises a compiler error naming the component (1-based position
    and metric) and listing the valid metric names when a component has an
    unknown metric, a missing key, a non-numeric or non-positive weight,
    worst = best, or repeats a metric.
#}
{% macro ixs_components(config=none) -%}
    {%- set config = var('ixs') if config is none else config -%}
    {%- set valid = cx_metrics.ixs_valid_metrics() -%}
    {%- if config is not mapping or config.get('components') is none
        or config['components'] is string or config['components'] is mapping
        or (config['components'] | length) == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var 'ixs': expected {components: [{metric, weight, worst, best}, ...]} with at least one component."
            ~ " Valid metric names: " ~ (valid | sort | join(', ')) ~ "."
        ) }}
    {%- endif -%}
    {%- set components = [] -%}
    {%- set seen = [] -%}
    {%- for component in config['components'] -%}
        {%- set position = loop.index -%}
        {%- if component is not mapping -%}
            {{ cx_metrics._ixs_fail(position, '?', 'a component must be a mapping {metric, weight, worst, best}') }}
        {%- endif -%}
        {%- set metric = component.get('metric') -%}
        {%- for key in ['metric', 'weight', 'worst', 'best'] -%}
            {%- if component.get(key) is none -%}
                {{ cx_metrics._ixs_fail(position, metric, "missing key '" ~ key ~ "'") }}
            {%- endif -%}
        {%- endfor -%}
        {%- if metric not in valid -%}
            {{ cx_metrics._ixs_fail(position, metric, "unknown metric '" ~ metric ~ "'") }}
        {%- endif -%}
        {%- if metric in seen -%}
            {{ cx_metrics._ixs_fail(position, metric, 'the metric appears more than once') }}
        {%- endif -%}
        {%- for key in ['weight', 'worst', 'best'] -%}
            {%- if not cx_metrics._ixs_is_number(component[key]) -%}
                {{ cx_metrics._ixs_fail(position, metric, key ~ " must be a number, got '" ~ component[key] ~ "'") }}
            {%- endif -%}
        {%- endfor -%}
        {%- if component['weight'] <= 0 -%}
            {{ cx_metrics._ixs_fail(position, metric, 'weight must be > 0, got ' ~ component['weight']) }}
        {%- endif -%}
        {%- if component['worst'] == component['best'] -%}
            {{ cx_metrics._ixs_fail(position, metric, 'worst and best are equal (' ~ component['worst'] ~ ')') }}
        {%- endif -%}
        {%- do seen.append(metric) -%}
        {%- do components.append({
            'metric': metric,
            'weight': component['weight'],
            'worst': component['worst'],
            'best': component['best'],
        }) -%}
    {%- endfor -%}
    {{ return(components) }}
{%- endmacro %}

{#
    ixs_score(value, worst, best): a component's score in 0..100,
    clamp((value - worst) / (best - worst), 0, 1) x 100; worst > best means
    lower is better (the same formula). Null when value is null. Multiplies
    before dividing so every engine rounds alike.
#}
{% macro ixs_score(value, worst, best) -%}
    case
        when {{ value }} is not null
            then greatest(
                cast(0 as {{ cx_metrics.type_double() }}),
                least(
                    cast(100 as {{ cx_metrics.type_double() }}),
                    cast(100 * ({{ value }} - ({{ worst }})) as {{ cx_metrics.type_double() }}) / ({{ best }} - ({{ worst }}))
                )
            )
    end
{%- endmacro %}
