-- Each dump holds one article per position (raw.page_articles carries no index: steppe.warehouse).
select
    dump_id,
    position,
    count(*) as rows_held
from {{ ref('stg_steppe__page_articles') }}
group by dump_id, position
having count(*) > 1
