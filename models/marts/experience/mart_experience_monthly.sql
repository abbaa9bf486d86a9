{#-
    NPS, CSAT and CES per reporting-timezone month (of responded_at) and the
    rated contact's channel; relationship surveys under channel
    `relationship`, transactional ones whose contact is not found under
    `unattributed`.
-#}
with

responses as (
    select * from {{ ref('fct_survey_responses') }}
),

channelled as (
    select
        month,
        case
            when survey_kind = 'relationship' then 'relationship'
            else coalesce(channel, 'unattributed')
        end as channel,
        survey_type,
        nps_bucket,
        is_csat_satisfied,
        is_ces_easy,
        score
    from responses
),

aggregated as (
    select
        month,
        channel,
        {{ cx_metrics.count_if("survey_type = 'nps'") }} as nps_responses,
        {{ cx_metrics.count_if("nps_bucket = 'promoter'") }} as promoters,
        {{ cx_metrics.count_if("nps_bucket = 'passive'") }} as passives,
        {{ cx_metrics.count_if("nps_bucket = 'detractor'") }} as detractors,
        {{ cx_metrics.count_if("survey_type = 'csat'") }} as csat_responses,
        {{ cx_metrics.count_if('is_csat_satisfied') }} as csat_satisfied,
        sum(case when survey_type = 'csat' then score else 0 end) as csat_score_total,
        {{ cx_metrics.count_if("survey_type = 'ces'") }} as ces_responses,
        {{ cx_metrics.count_if('is_ces_easy') }} as ces_easy,
        sum(case when survey_type = 'ces' then score else 0 end) as ces_score_total
    from channelled
    group by month, channel
)

select
    month,
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(nps_responses as {{ dbt.type_bigint() }}) as nps_responses,
    cast(promoters as {{ dbt.type_bigint() }}) as promoters,
    cast(passives as {{ dbt.type_bigint() }}) as passives,
    cast(detractors as {{ dbt.type_bigint() }}) as detractors,
    cast(
        {{ cx_metrics.safe_divide('100 * (promoters - detractors)', 'nps_responses') }}
        as {{ cx_metrics.type_double() }}
    ) as nps,
    cast(
        {{ cx_metrics.nps_margin_of_error('promoters', 'detractors', 'nps_responses') }}
        as {{ cx_metrics.type_double() }}
    ) as nps_margin_of_error,
    cast(csat_responses as {{ dbt.type_bigint() }}) as csat_responses,
    cast({{ cx_metrics.safe_divide('100 * csat_satisfied', 'csat_responses') }} as {{ cx_metrics.type_double() }})
        as csat,
    cast({{ cx_metrics.safe_divide('csat_score_total', 'csat_responses') }} as {{ cx_metrics.type_double() }})
        as csat_mean,
    cast(ces_responses as {{ dbt.type_bigint() }}) as ces_responses,
    cast({{ cx_metrics.safe_divide('ces_score_total', 'ces_responses') }} as {{ cx_metrics.type_double() }}) as ces,
    cast({{ cx_metrics.safe_divide('ces_easy', 'ces_responses') }} as {{ cx_metrics.type_double() }}) as ces_pct_easy
from aggregated
