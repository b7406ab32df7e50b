with

source as (
    select * from {{ source('steppe', 'entity_mentions') }}
),

renamed as (
    select
        content_hash,
        position,
        entity_type,
        trim(name) as entity_name,
        upper(country_code) as country_code,
        aliases,
        mention_count
    from source
)

select * from renamed
