-- One row per page date and currency.
-- Conflict rule: when dumps of the same date print different quotes, the quote printed by the
-- most dumps wins; a tie goes to the quote of the dump whose id sorts first. Dump ids derive
-- from content, so the choice is the same whatever order the dumps were landed in.
-- Incremental: only the (rate_date, currency) rows that differ from the table are rewritten; the
-- pre-hook removes those no quote gives any more.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['rate_date', 'currency'],
        on_schema_change='fail',
        pre_hook="{{ delete_stale_rows(ref('int_fx_quotes__dated'), ['rate_date', 'currency']) }}",
    )
}}

with

quotes as (
    select * from {{ ref('int_fx_quotes__dated') }}
),

variants as (
    select
        rate_date,
        currency,
        quote_currency,
        rate,
        change_pct,
        count(distinct dump_id) as printed_by,
        min(dump_id) as first_dump_id
    from quotes
    group by all
),

ranked as (
    select
        *,
        row_number() over (
            partition by rate_date, currency
            order by printed_by desc, first_dump_id asc
        ) as pick,
        sum(printed_by) over (partition by rate_date, currency) as observations,
        count(distinct rate) over (partition by rate_date, currency) as distinct_rates
    from variants
),

final as (
    select
        rate_date,
        currency,
        quote_currency,
        cast(rate as decimal(18, 8)) as rate,
        cast(change_pct as decimal(9, 4)) as change_pct,
        cast(observations as integer) as observations,
        distinct_rates > 1 as has_conflict
    from ranked
    where pick = 1
),

changed as (
    {{ differing_keys('final', ['rate_date', 'currency'],
        ['rate_date', 'currency', 'quote_currency', 'rate', 'change_pct', 'observations', 'has_conflict']) }}
)

select final.*
from final
where (final.rate_date, final.currency) in (select (changed.rate_date, changed.currency) from changed)
