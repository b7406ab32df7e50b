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
        -- Exact decimals of the printed digits; "-0" becomes 0. NULL when not a number: such a
        -- quote is quarantined by int_fx_quotes__checked, not a failed build.
        try_cast(rate as decimal(18, 8)) as rate,
        try_cast(change_pct as decimal(9, 4)) as change_pct
    from source
)

select * from renamed
