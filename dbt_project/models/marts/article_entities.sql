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
)

select * from final
