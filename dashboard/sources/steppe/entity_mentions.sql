-- Mentions of each entity per article, dated by the article's first page date (undated articles left out).
select
    entities.name,
    entities.entity_type,
    articles.first_seen_date,
    article_entities.mention_count
from marts.article_entities
inner join marts.articles using (article_id)
inner join marts.entities using (entity_id)
where articles.first_seen_date is not null
