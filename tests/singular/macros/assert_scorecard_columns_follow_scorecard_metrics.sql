-- The scorecard metric list is written once, in scorecard_metrics()
-- (macros/scorecard/scorecard_metrics.sql); the models' SQL derives from it.
-- The declared (contracted) columns of both scorecard marts must be exactly
-- the period, the metrics in that order and their prev_ columns, so a
-- metric added to the list or to a mart's YAML only fails here (and the
-- contract). Fails with one row per mart whose YAML differs.
-- depends_on: {{ ref('mart_scorecard_monthly') }}
-- depends_on: {{ ref('mart_scorecard_daily') }}
{%- set problems = [] %}
{%- if execute %}
{%- set panels = [
('mart_scorecard_monthly', 'month', cx_metrics.scorecard_metric_names()),
('mart_scorecard_daily', 'date_day', cx_metrics.scorecard_metric_names(daily=true)),
] %}
{%- for model_name, period, names in panels %}
{%- set expected = [period] + names %}
{%- for name in names %}
{%- do expected.append('prev_' ~ name) %}
{%- endfor %}
{%- set declared = graph.nodes['model.cx_metrics.' ~ model_name].columns.keys() | list %}
{%- if declared != expected %}
{%- set missing = expected | reject('in', declared) | join(' ') %}
{%- set extra = declared | reject('in', expected) | join(' ') %}
{%- do problems.append((model_name, 'missing: [' ~ missing ~ '] extra: [' ~ extra ~ '] or out of order')) %}
{%- endif %}
{%- endfor %}
{%- endif %}
{%- for model_name, problem in problems %}
select
    cast('{{ model_name }}' as {{ dbt.type_string() }}) as model_name,
    cast('{{ problem }}' as {{ dbt.type_string() }}) as problem
{%- if not loop.last %}
union all
{%- endif %}
{%- else %}
select
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_string() }}) as problem
where 1 = 0
{%- endfor %}
