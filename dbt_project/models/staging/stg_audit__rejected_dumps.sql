with

source as (
    select * from {{ source('audit', 'rejected_dumps') }}
),

renamed as (
    select
        file_name,
        sha256,
        reason,
        size_bytes,
        rejected_at
    from source
)

select * from renamed
