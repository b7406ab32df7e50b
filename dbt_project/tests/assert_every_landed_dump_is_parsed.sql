-- Every landed dump has a parsed page: nothing landed is silently dropped.
select dumps.dump_id
from {{ ref('stg_steppe__dumps') }} as dumps
left join {{ ref('stg_steppe__pages') }} as pages using (dump_id)
where pages.dump_id is null
