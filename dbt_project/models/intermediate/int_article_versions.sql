-- Each distinct content (title and body) an article was seen with, and where.
with

page_articles as (
    select * from {{ ref('stg_steppe__page_articles') }}
),

pages as (
    select * from {{ ref('stg_steppe__pages') }}
),

appearances as (
    select
        page_articles.*,
        pages.page_date
    from page_articles
    inner join pages using (dump_id)
),

versions as (
    select
        article_id,
        content_hash,
        any_value(title) as title,
        any_value(body) as body,
        any_value(paragraph_count) as paragraph_count,
        any_value(subheadings) as subheadings,
        any_value(is_truncated) as is_truncated,
        any_value(word_count) as word_count,
        count(distinct dump_id) as dump_count,
        min(page_date) as first_page_date
    from appearances
    group by article_id, content_hash
)

select * from versions
