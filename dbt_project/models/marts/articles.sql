-- One row per distinct article. Incremental: only the articles int_articles__deduplicated
-- changed are rewritten. Title and body are compared through content_hash (their sha256).
-- article_entities and trade_figures reference it by foreign keys: their rows are deleted before
-- an article is (macros/release_foreign_key_references.sql); both are rebuilt whole after it.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='fail',
        pre_hook=[
            {"sql": "{{ release_foreign_key_references() }}", "transaction": false},
            "{{ delete_vanished_articles(ref('int_articles__deduplicated')) }}",
        ],
    )
}}

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
),

changed_articles as (
    select * exclude (title, body) from final
    {% if is_incremental() %}
    except
    select * exclude (title, body) from {{ this }}
    {% endif %}
)

select * from final
where article_id in (select changed_articles.article_id from changed_articles)
