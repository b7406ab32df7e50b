-- Incremental: the rows are computed (a filtered scan, no write) and only the articles whose rows differ
-- from the table are rewritten; the pre-hook removes the articles left with no entity. marts.articles
-- deletes the rows of the articles it rewrites first (macros/release_foreign_key_references.sql).
-- marts.entities only adds and updates entities (it is referenced here): the post-hook removes the
-- entities no article mentions any more, once no row here points at them: after this model's commit
-- (transaction: false), as DuckDB still sees rows deleted earlier in a transaction as referencing.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_rows(ref('int_entity_mentions__resolved'), ['article_id']) }}",
        post_hook=[{"sql": "{{ delete_unmentioned_entities() }}", "transaction": false}],
    )
}}

with

mentions as (
    select * from {{ ref('int_entity_mentions__resolved') }}
),

final as (
    select
        article_id,
        entity_id,
        cast(sum(mention_count) as integer) as mention_count
    from mentions
    group by article_id, entity_id
),

changed as (
    {{ differing_keys('final', ['article_id'], ['article_id', 'entity_id', 'mention_count']) }}
)

select final.* from final
where final.article_id in (select changed.article_id from changed)
