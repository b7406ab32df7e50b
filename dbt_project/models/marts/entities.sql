-- One row per canonical entity (macros/entities_rows.sql computes them).
-- Incremental: the entities are computed (a filtered scan, no write) and only those new or changed are
-- written. marts.article_entities references them by a foreign key and DuckDB refuses to delete a
-- referenced row, so changed scalar columns are updated in place (merge). DuckDB updates a list
-- (aliases) as delete+insert: the pre-hooks first delete the article_entities rows of the entities whose
-- aliases changed, then every entity nothing references (those, or released by marts.articles);
-- the merge inserts them again, and marts.article_entities writes its rows again. Entities no article
-- mentions any more are removed by marts.article_entities' post-hook, once no row there points at them.
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='entity_id',
        merge_update_columns=['name', 'entity_type', 'country_code', 'article_count', 'mention_count',
            'latitude', 'longitude'],
        on_schema_change='fail',
        pre_hook=[
            {"sql": "{{ release_entities_with_new_aliases() }}", "transaction": false},
            {"sql": "{{ delete_unreferenced_entities() }}", "transaction": false},
        ],
    )
}}

with

final as (
    {{ entities_rows() | indent(4) }}
)

select * from final
{%- if is_incremental() %}
except
select * from {{ this }}
{%- endif %}
