-- One row per article: its most complete version, with counts over every version.
-- Incremental like int_article_versions: only articles whose versions changed are recomputed.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_rows(ref('int_article_versions'), ['article_id']) }}",
    )
}}

with

versions as (
    select * from {{ ref('int_article_versions') }}
),

appearances as (
    select * from {{ ref('int_page_articles__current') }}
),

changed_articles as (
    select
        article_id,
        cast(sum(appearance_count) as bigint) as appearance_count,
        max(last_parsed_at) as last_parsed_at
    from versions
    group by article_id
    {% if is_incremental() %}
    except
    select article_id, appearance_count, last_parsed_at from {{ this }}
    {% endif %}
),

changed_versions as (
    select * from versions
    where article_id in (select changed_articles.article_id from changed_articles)
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
    from changed_versions
),

article_stats as (
    select
        article_id,
        count(distinct dump_id) as dump_count
    from appearances
    where article_id in (select changed_articles.article_id from changed_articles)
    group by article_id
),

first_seen as (
    select
        article_id,
        min(first_page_date) as first_seen_date,
        count(*) as version_count
    from changed_versions
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
        first_seen.version_count,
        changed_articles.appearance_count,
        changed_articles.last_parsed_at
    from ranked
    inner join article_stats using (article_id)
    inner join first_seen using (article_id)
    inner join changed_articles using (article_id)
    where ranked.completeness_rank = 1
)

select * from deduplicated
