-- One row per article: its most complete version, with counts over every version.
with

versions as (
    select * from {{ ref('int_article_versions') }}
),

appearances as (
    select * from {{ ref('stg_steppe__page_articles') }}
),

ranked as (
    select
        *,
        -- Most complete wins: a complete body over a truncated one, then the longer body;
        -- the content hash breaks ties so every rebuild picks the same version.
        row_number() over (
            partition by article_id
            order by is_truncated asc, length(body) desc, content_hash asc
        ) as completeness_rank
    from versions
),

article_stats as (
    select
        article_id,
        count(distinct dump_id) as dump_count
    from appearances
    group by article_id
),

first_seen as (
    select
        article_id,
        min(first_page_date) as first_seen_date,
        count(*) as version_count
    from versions
    group by article_id
),

deduplicated as (
    select
        ranked.article_id,
        ranked.content_hash,
        ranked.title,
        ranked.body,
        ranked.is_truncated,
        ranked.paragraph_count,
        ranked.subheadings,
        ranked.word_count,
        first_seen.first_seen_date,
        article_stats.dump_count,
        first_seen.version_count
    from ranked
    inner join article_stats using (article_id)
    inner join first_seen using (article_id)
    where ranked.completeness_rank = 1
)

select * from deduplicated
