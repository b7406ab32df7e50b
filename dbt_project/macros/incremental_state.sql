{#-
    Incremental models keyed by a state: each row carries the state of what it was computed from
    (an article's content_hash, extraction time, first page date; a dump's parse time). Pre-hook:
    delete the rows whose state is no longer current (the thing changed or is gone); the model then
    computes the rows of every key absent from the table, and appends them. A full refresh computes all.

    state_relation: SQL of the current states (a subquery or relation) with columns key + columns.
-#}
{% macro delete_stale_state(state_relation, key, columns) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as stored
        where not exists (
            select 1 from {{ state_relation }} as current_state
            where current_state.{{ key }} = stored.{{ key }}
            {%- for column in columns %}
                and current_state.{{ column }} is not distinct from stored.{{ column }}
            {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{#- A filter of the keys the incremental table does not hold yet (true on a full refresh). -#}
{% macro not_yet_stored(key, alias) -%}
    {%- if is_incremental() -%}
        not exists (select 1 from {{ this }} as stored where stored.{{ key }} = {{ alias }}.{{ key }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#-
    The keys (key_columns) on which `current` (a CTE name) and the incremental table differ, either
    way: a row added, changed or gone. On a full refresh: every key of `current`.
-#}
{% macro differing_keys(current, key_columns, columns) -%}
    {%- if is_incremental() -%}
        select {{ key_columns | join(', ') }} from (
            (select {{ columns | join(', ') }} from {{ current }}
             except
             select {{ columns | join(', ') }} from {{ this }})
            union all
            (select {{ columns | join(', ') }} from {{ this }}
             except
             select {{ columns | join(', ') }} from {{ current }})
        ) as differing
    {%- else -%}
        select {{ key_columns | join(', ') }} from {{ current }}
    {%- endif -%}
{%- endmacro %}

{#- The state of each deduplicated article as its mentions and figures are computed from it. -#}
{% macro article_extraction_states() -%}
    select
        articles.article_id,
        articles.content_hash,
        articles.first_seen_date,
        extractions.extracted_at
    from {{ ref('int_articles__deduplicated') }} as articles
    left join {{ source('steppe', 'article_extractions') }} as extractions using (content_hash)
{%- endmacro %}

{#- The current dumps (int_dumps__current) and when each was parsed. -#}
{% macro current_dump_states() -%}
    select
        pages.dump_id,
        pages.parsed_at
    from {{ ref('stg_steppe__pages') }} as pages
    where pages.dump_id in (select current_dumps.dump_id from {{ ref('int_dumps__current') }} as current_dumps)
{%- endmacro %}

{#- Post-hook of marts.article_entities: the entities (marts.entities) no article mentions any more. -#}
{% macro delete_unmentioned_entities() -%}
    {%- if is_incremental() -%}
        delete from {{ ref('entities') }} as entities
        where entities.entity_id not in (select mentioned.entity_id from {{ this }} as mentioned)
    {%- endif -%}
{%- endmacro %}
