-- Articles as segmented on the current dumps only (int_dumps__current): what every article model reads.
{{ config(materialized='view') }}

select page_articles.*
from {{ ref('stg_steppe__page_articles') }} as page_articles
where page_articles.dump_id in (
    select current_dumps.dump_id from {{ ref('int_dumps__current') }} as current_dumps
)
