-- value_usd is never invented: USD money as is, other money only with the fx rate it used.
select figure_id
from {{ ref('trade_figures') }}
where
    value_usd is not null
    and not (kind = 'money' and (unit = 'USD' or fx_rate_date is not null))
