with

source as (
    select * from {{ source('steppe', 'parse_issues') }}
),

renamed as (
    select
        dump_id,
        line_no,
        kind as issue_kind,
        detail
    from source
)

select * from renamed
