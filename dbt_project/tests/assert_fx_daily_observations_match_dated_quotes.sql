-- fx_daily accounts for every quote of a dated dump, once.
with expected as (
    select count(*) as quotes from {{ ref('int_fx_quotes__dated') }}
),

actual as (
    select coalesce(sum(observations), 0) as quotes from {{ ref('fx_daily') }}
)

select
    expected.quotes as expected_quotes,
    actual.quotes as actual_quotes
from expected, actual
where expected.quotes <> actual.quotes
