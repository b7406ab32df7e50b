-- Each distinct content (title and body) an article was seen with, and where.
-- Incremental: a build recomputes only the articles whose appearances changed since the last
-- one, so a run costs what its new dumps cost. `dbt build --full-refresh` recomputes them all.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_rows(ref('int_page_articles__current'), ['article_id']) }}",
    )
}}

with

page_slots as (
    -- Where each article appeared, without its text: cheap to read in full every build.
    select
        article_id,
        content_hash,
        dump_id,
        position
    from {{ ref('int_page_articles__current') }}
),

page_texts as (
    -- The text, most of the table's bytes: read below only for the articles rebuilt.
    select
        dump_id,
        position,
        title,
        body,
        paragraph_count,
        subheadings,
        is_truncated,
        word_count
    from {{ ref('int_page_articles__current') }}
),

pages as (
    select * from {{ ref('stg_steppe__pages') }}
),

current_dumps as (
    select
        dump_id,
        version_seen_at
    from {{ ref('int_dumps__current') }}
),

appearances as (
    select
        page_slots.*,
        pages.page_date,
        -- When the dump was parsed or, if later, found as a file's latest version: a file edited
        -- back to a content seen before brings back an old dump, parsed long ago.
        greatest(pages.parsed_at, current_dumps.version_seen_at) as parsed_at
    from page_slots
    inner join pages using (dump_id)
    left join current_dumps using (dump_id)
),

changed_articles as (
    -- An article's appearances changed when a new dump shows it (count) or its dumps were
    -- parsed again (parse time). Compared as sets, so the clock's direction does not matter.
    select
        article_id,
        count(*) as appearance_count,
        max(parsed_at) as last_parsed_at
    from appearances
    group by article_id
    {% if is_incremental() %}
    except
    select
        article_id,
        sum(appearance_count)::bigint,
        max(last_parsed_at)
    from {{ this }}
    group by article_id
    {% endif %}
),

version_stats as (
    select
        article_id,
        content_hash,
        count(distinct dump_id) as dump_count,
        min(page_date) as first_page_date,
        count(*) as appearance_count,
        max(parsed_at) as last_parsed_at
    from appearances
    where article_id in (select changed_articles.article_id from changed_articles)
    group by article_id, content_hash
),

version_slots as (
    -- The content hash fixes title and body, so each version's text is read from one page row, its
    -- first: grouping the texts themselves held every rebuilt text in memory (out of memory under a
    -- 512MB limit at 100,000 dumps), and a join on this small key table streams them.
    select
        content_hash,
        dump_id,
        position
    from page_slots
    where article_id in (select changed_articles.article_id from changed_articles)
    qualify row_number() over (partition by content_hash order by dump_id, position) = 1
),

version_texts as (
    select
        version_slots.content_hash,
        page_texts.title,
        page_texts.body,
        page_texts.paragraph_count,
        page_texts.subheadings,
        page_texts.is_truncated,
        page_texts.word_count
    from version_slots
    inner join page_texts using (dump_id, position)
),

versions as (
    select
        version_stats.article_id,
        version_stats.content_hash,
        version_texts.title,
        version_texts.body,
        version_texts.paragraph_count,
        version_texts.subheadings,
        version_texts.is_truncated,
        version_texts.word_count,
        version_stats.dump_count,
        version_stats.first_page_date,
        version_stats.appearance_count,
        version_stats.last_parsed_at
    from version_stats
    inner join version_texts using (content_hash)
)

select * from versions
