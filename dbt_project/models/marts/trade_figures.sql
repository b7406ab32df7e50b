-- Trade figures of each deduplicated article that pass the contract's checks (the others are
-- quarantined: int_trade_figures__checked, audit.quarantined_rows), with USD values where a rate is known:
-- USD amounts as they are; ticker currencies at the fx_daily rate of the article's first
-- page date or the nearest earlier date (fx_rate_date says which); anything else stays NULL.
-- Incremental: the figures are computed (a filtered scan, no write), and only the articles whose rows
-- differ from the table (new, changed, converted at another rate) are rewritten. marts.articles deletes
-- the rows of the articles it rewrites first (macros/release_foreign_key_references.sql).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_rows('(select article_id from ' ~ ref('int_trade_figures__checked')
            ~ ' where passes_checks)', ['article_id']) }}",
    )
}}

with

figures as (
    select * exclude (failed_checks, failed_check_names, passes_checks)
    from {{ ref('int_trade_figures__checked') }}
    where passes_checks
),

fx as (
    select
        rate_date,
        currency,
        rate
    from {{ ref('fx_daily') }}
),

converted as (
    select
        figures.*,
        fx.rate_date as fx_rate_date,
        fx.rate as fx_rate
    from figures
    asof left join fx
        on
            figures.unit = fx.currency
            and figures.first_seen_date >= fx.rate_date
),

{#- A figure t is restated by another figure o of the same article, value, unit and metric when their
    partners agree (the same, or either has none), their periods agree likewise, and o comes first
    (t in the title and o in the body, or both on the same side and o earlier). Counted with window
    sums, never a self-join: a self-join pairs every two equal figures of an article, quadratic in them
    (an article of 16,000 "$1" figures took 13 s, one of 100,000 would take hours). The counts of each
    scope fall into disjoint classes: the same partner or none, times the same period or none. Window
    sums of a case, not count(*) filter: DuckDB runs a filtered running window in quadratic time. -#}
{%- set key = "article_id, value, unit, metric" -%}
{%- set scopes = [
    ("body", "not in_title", ""),
    ("upto", "true", ", in_title order by position"),
] -%}
{%- set classes = [
    ("any", "", "true"),
    ("no_partner", "", "partner_country is null"),
    ("no_period", "", "period is null"),
    ("neither", "", "partner_country is null and period is null"),
    ("partner", ", partner_country", "true"),
    ("partner_no_period", ", partner_country", "period is null"),
    ("period", ", period", "true"),
    ("period_no_partner", ", period", "partner_country is null"),
    ("both", ", partner_country, period", "true"),
] %}

counted as (
    -- body_*: the article's body figures (for a title figure); upto_*: the figures on the same side up to
    -- and including this one (positions are unique in an article)
    select
        article_id,
        position,
        in_title,
        partner_country,
        period,
    {%- for scope, scope_where, frame in scopes %}
        {%- set last_scope = loop.last %}
    {%- for name, columns, where in classes %}
        sum(case when {{ scope_where }} and {{ where }} then 1 else 0 end)
            over (partition by {{ key }}{{ columns }}{{ frame }})
            as {{ scope }}_{{ name }}{{ "," if not (last_scope and loop.last) }}
    {%- endfor %}
    {%- endfor %}
    from converted
),

agreeing as (
    -- the figures that agree with this one on partner and period, per scope (the classes for its nulls)
    select
        article_id,
        position,
        in_title,
    {%- for scope, _, _ in scopes %}
        case
            when partner_country is null and period is null then {{ scope }}_any
            when period is null then {{ scope }}_partner + {{ scope }}_no_partner
            when partner_country is null then {{ scope }}_period + {{ scope }}_no_period
            else
                {{ scope }}_both
                + {{ scope }}_partner_no_period
                + {{ scope }}_period_no_partner
                + {{ scope }}_neither
        end as {{ scope }}_agreeing{{ "," if not loop.last }}
    {%- endfor %}
    from counted
),

restated as (
    -- A figure that another one of the same article already gives: a headline repeating the body, or
    -- a later body sentence restating a figure (a range end, a recap). Same value, unit and metric, and
    -- no partner or period that tells them apart. Every occurrence stays (the contract); analysts sum
    -- the rows where is_restatement is false. upto_agreeing counts the figure itself.
    select
        article_id,
        position,
        (in_title and body_agreeing > 0) or upto_agreeing > 1 as is_restatement
    from agreeing
),

final as (
    select
        left(md5(article_id || ':' || cast(position as varchar)), 16) as figure_id,
        article_id,
        converted.figure_text,
        converted.value,
        converted.unit,
        converted.kind,
        converted.metric,
        converted.reporter_country,
        converted.partner_country,
        converted.commodity,
        converted.period,
        converted.sentence,
        case
            when converted.kind = 'money' and converted.unit = 'USD' then converted.value
            when converted.kind = 'money' and converted.fx_rate is not null
                then converted.value * cast(converted.fx_rate as double)
        end as value_usd,
        case when converted.kind = 'money' and converted.unit <> 'USD' then converted.fx_rate_date end as fx_rate_date,
        converted.in_title,
        converted.note,
        cast(position as integer) as position,
        restated.is_restatement
    from converted
    inner join restated using (article_id, position)
),

changed as (
    {{ differing_keys('final', ['article_id'], [
        'figure_id', 'article_id', 'figure_text', 'value', 'unit', 'kind', 'metric', 'reporter_country',
        'partner_country', 'commodity', 'period', 'sentence', 'value_usd', 'fx_rate_date', 'in_title', 'note',
        'position', 'is_restatement',
    ]) }}
)

select final.* from final
where final.article_id in (select changed.article_id from changed)
-- Rows in page order: a reader that scans the table meets each article's figures as written.
order by final.article_id, final.position
