-- Money between a reporter and a partner country, in US dollars, each fact once (no restatements).
select
    trade_figures.figure_id,
    trade_figures.partner_country,
    coalesce(partners.name, trade_figures.partner_country) as partner_name,
    trade_figures.reporter_country,
    trade_figures.metric,
    trade_figures.value_usd,
    trade_figures.figure_text,
    articles.first_seen_date
from marts.trade_figures
inner join marts.articles using (article_id)
left join marts.entities as partners
    on partners.entity_type = 'COUNTRY' and partners.country_code = trade_figures.partner_country
where
    trade_figures.kind = 'money'
    and trade_figures.value_usd is not null
    and trade_figures.partner_country is not null
    and not trade_figures.is_restatement
    and trade_figures.metric in ('exports', 'imports', 'trade_turnover', 'investment', 'deal', 'aid')
