-- An entity's counts are the sums over the articles that mention it.
with per_entity as (
    select
        entity_id,
        count(*) as articles,
        sum(mention_count) as mentions
    from {{ ref('article_entities') }}
    group by entity_id
)

select entities.entity_id
from {{ ref('entities') }} as entities
full outer join per_entity using (entity_id)
where
    entities.article_count is distinct from per_entity.articles
    or entities.mention_count is distinct from per_entity.mentions
