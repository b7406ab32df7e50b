-- Quotes of current dumps that have a page date and pass the contract's checks: only those can enter fx_daily.
-- A view: the checked quotes are incremental, and fx_daily reads these once per build.
{{ config(materialized='view') }}

with

quotes as (
    select * from {{ ref('int_fx_quotes__checked') }}
    where passes_checks
),

pages as (
    select * from {{ ref('stg_steppe__pages') }}
),

dated as (
    select
        pages.page_date as rate_date,
        quotes.dump_id,
        quotes.currency,
        quotes.quote_currency,
        quotes.rate,
        quotes.change_pct
    from quotes
    inner join pages using (dump_id)
    where pages.page_date is not null
)

select * from dated
