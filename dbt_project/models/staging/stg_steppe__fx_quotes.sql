with

source as (
    select * from {{ source('steppe', 'fx_quotes') }}
),

renamed as (
    select
        dump_id,
        position,
        currency,
        quote_currency,
        rate as rate_text,
        change_pct as change_pct_text,
        -- Exact decimals of the printed digits; "-0" becomes 0.
        cast(rate as decimal(18, 8)) as rate,
        cast(change_pct as decimal(9, 4)) as change_pct
    from source
)

select * from renamed
