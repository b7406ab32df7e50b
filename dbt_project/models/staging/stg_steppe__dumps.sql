with

source as (
    select * from {{ source('steppe', 'dumps') }}
),

renamed as (
    select
        dump_id,
        sha256,
        file_name,
        size_bytes,
        encoding,
        landed_at
    from source
)

select * from renamed
