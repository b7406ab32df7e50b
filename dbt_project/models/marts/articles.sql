with

articles as (
    select * from {{ ref('int_articles__deduplicated') }}
),

final as (
    select
        article_id,
        title,
        body,
        is_truncated,
        first_seen_date,
        cast(dump_count as integer) as dump_count,
        cast(word_count as integer) as word_count,
        cast(paragraph_count as integer) as paragraph_count,
        subheadings,
        cast(version_count as integer) as version_count,
        content_hash
    from articles
)

select * from final
