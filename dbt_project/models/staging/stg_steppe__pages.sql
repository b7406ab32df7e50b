with

source as (
    select * from {{ source('steppe', 'pages') }}
),

renamed as (
    select
        dump_id,
        page_date,
        listing_first,
        listing_last,
        listing_total,
        quote_count,
        article_count,
        parser_version,
        parsed_at
    from source
)

select * from renamed
