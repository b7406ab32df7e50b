-- Trade figures of each deduplicated article that pass the contract's checks (the others are
-- quarantined: int_trade_figures__checked, audit.quarantined_rows), with USD values where a rate is known:
-- USD amounts as they are; ticker currencies at the fx_daily rate of the article's first
-- page date or the nearest earlier date (fx_rate_date says which); anything else stays NULL.
with

figures as (
    select * exclude (failed_checks, failed_check_names, passes_checks)
    from {{ ref('int_trade_figures__checked') }}
    where passes_checks
),

fx as (
    select rate_date, currency, rate from {{ ref('fx_daily') }}
),

converted as (
    select
        figures.*,
        fx.rate_date as fx_rate_date,
        fx.rate as fx_rate
    from figures
    asof left join fx
        on fx.currency = figures.unit
        and figures.first_seen_date >= fx.rate_date
),

restated as (
    -- A figure that another one of the same article already gives: a headline repeating the body, or
    -- a later body sentence restating a figure (a range end, a recap). Same value, unit and metric, and
    -- no partner or period that tells them apart. Every occurrence stays (the contract); analysts sum
    -- the rows where is_restatement is false.
    select
        this.article_id,
        this.position,
        count(other.position) > 0 as is_restatement
    from converted as this
    left join converted as other
        on other.article_id = this.article_id
        and other.position <> this.position
        and other.value = this.value
        and other.unit = this.unit
        and other.metric = this.metric
        and coalesce(other.partner_country = this.partner_country, true)
        and coalesce(other.period = this.period, true)
        and (
            (this.in_title and not other.in_title)
            or (this.in_title = other.in_title and other.position < this.position)
        )
    group by this.article_id, this.position
),

final as (
    select
        left(md5(article_id || ':' || cast(position as varchar)), 16) as figure_id,
        article_id,
        figure_text,
        value,
        unit,
        kind,
        metric,
        reporter_country,
        partner_country,
        commodity,
        period,
        sentence,
        case
            when kind = 'money' and unit = 'USD' then value
            when kind = 'money' and fx_rate is not null then value * cast(fx_rate as double)
        end as value_usd,
        case when kind = 'money' and unit <> 'USD' then fx_rate_date end as fx_rate_date,
        in_title,
        note,
        cast(position as integer) as position,
        restated.is_restatement
    from converted
    inner join restated using (article_id, position)
)

select * from final
-- Rows in page order: a reader that scans the table meets each article's figures as written.
order by article_id, position
