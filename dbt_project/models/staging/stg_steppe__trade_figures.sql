with

source as (
    select * from {{ source('steppe', 'trade_figures') }}
),

renamed as (
    select
        content_hash,
        position,
        figure_text,
        value,
        unit,
        kind,
        metric,
        upper(reporter_country) as reporter_country,
        upper(partner_country) as partner_country,
        commodity,
        period,
        sentence,
        in_title,
        note
    from source
)

select * from renamed
