-- Each distinct content (title and body) an article was seen with, and where.
-- Incremental: a build recomputes only the articles whose appearances changed since the last
-- one, so a run costs what its new dumps cost. `dbt build --full-refresh` recomputes them all.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='fail',
        pre_hook="{{ delete_vanished_articles(ref('stg_steppe__page_articles')) }}",
    )
}}

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
        pages.page_date,
        pages.parsed_at
    from page_articles
    inner join pages using (dump_id)
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
        min(page_date) as first_page_date,
        count(*) as appearance_count,
        max(parsed_at) as last_parsed_at
    from appearances
    where article_id in (select article_id from changed_articles)
    group by article_id, content_hash
)

select * from versions
