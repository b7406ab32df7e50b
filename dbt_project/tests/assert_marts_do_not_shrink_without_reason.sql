-- A mart that holds fewer rows than before this build, with no reason recorded upstream
-- (macros/record_build_baseline.sql) and no more rows quarantined, makes the warehouse wrong: block.
with

baseline as (
    select * from audit.build_baselines
    where build_id = '{{ invocation_id }}'
),

after as (
    {%- for mart in ['articles', 'fx_daily', 'entities', 'article_entities', 'trade_figures'] %}
        select
            '{{ mart }}' as mart,
            count(*) as rows_after
        from {{ ref(mart) }}
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

held as (
    select count(*) as quarantined_after from {{ ref('quarantined_rows') }}
)

select
    baseline.mart,
    baseline.rows_before,
    after.rows_after
from baseline
inner join after using (mart)
cross join held
where
    after.rows_after < baseline.rows_before
    and baseline.explained_by is null
    and held.quarantined_after <= baseline.quarantined_before
