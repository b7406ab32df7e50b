with

source as (
    select * from {{ source('steppe', 'page_articles') }}
),

renamed as (
    select
        article_id,
        dump_id,
        position,
        title,
        body,
        paragraph_count,
        subheadings,
        inline_subheadings,
        is_truncated,
        dateline,
        content_hash,
        word_count
    from source
)

select * from renamed
