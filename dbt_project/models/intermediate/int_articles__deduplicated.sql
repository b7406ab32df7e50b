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

version_keys as (
    -- The changed articles' versions without their text: ranked and counted below, the text joined
    -- only to each article's chosen version (a window over the texts held them all in its sort).
    select
        article_id,
        content_hash,
        is_truncated,
        length(body) as body_length,
        first_page_date
    from versions
    where article_id in (select changed_articles.article_id from changed_articles)
),

ranked as (
    select
        article_id,
        content_hash,
        -- Most complete wins: a complete body over a truncated one, then the longer body;
        -- the content hash breaks ties so every rebuild picks the same version.
        row_number() over (
            partition by article_id
            order by is_truncated asc, body_length desc, content_hash asc
        ) as completeness_rank
    from version_keys
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
    from version_keys
    group by article_id
),

chosen as (
    select
        ranked.article_id,
        ranked.content_hash,
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
),

deduplicated as (
    select
        chosen.article_id,
        chosen.content_hash,
        versions.title,
        versions.body,
        versions.is_truncated,
        versions.paragraph_count,
        versions.subheadings,
        versions.word_count,
        chosen.first_seen_date,
        chosen.dump_count,
        chosen.version_count,
        chosen.appearance_count,
        chosen.last_parsed_at
    from chosen
    inner join versions using (article_id, content_hash)
)

select * from deduplicated
