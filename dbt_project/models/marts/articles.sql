-- One row per distinct article. Incremental: only the articles int_articles__deduplicated
-- changed are rewritten. Title and body are compared through content_hash (their sha256).
-- article_entities and trade_figures reference it by foreign keys: their rows of the articles rewritten
-- here are deleted first (macros/release_foreign_key_references.sql), and written again after it.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='fail',
        pre_hook=[
            {"sql": "{{ release_foreign_key_references('article_id', mart_articles_to_release()) }}", "transaction": false},
            "{{ delete_stale_rows(ref('int_articles__deduplicated'), ['article_id']) }}",
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
        {{ mart_article_columns() }}
    from articles
)

select * from final
where article_id in ({{ mart_articles_to_rewrite() }})
