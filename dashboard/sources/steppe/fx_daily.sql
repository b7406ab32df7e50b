-- One row per page date and currency; units per US dollar read better than dollars per unit.
select
    rate_date,
    currency,
    cast(rate as double) as usd_per_unit,
    round(1 / cast(rate as double), 4) as units_per_usd,
    cast(change_pct as double) as change_pct,
    observations,
    has_conflict
from marts.fx_daily
order by rate_date, currency
