with

source as (
    select * from {{ source('steppe', 'file_versions') }}
),

renamed as (
    select
        file_name,
        dump_id,
        seen_at
    from source
)

select * from renamed
