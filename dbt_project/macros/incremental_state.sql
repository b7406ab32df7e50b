{#-
    Steppe's incremental models follow one of two patterns.

    State-keyed (the checked models, incremental_strategy='append'): each row carries the state of what it
    was computed from (an article's content_hash, extraction time, first page date; a dump's parse time).
    The pre-hook delete_stale_rows(current states, key, state columns) deletes the rows whose state is no
    longer current (the thing changed or is gone); the model computes the keys not_yet_stored, and appends
    them. Cheap: only the states are compared, nothing is recomputed.

    Diffed (the marts, incremental_strategy='delete+insert'): a row depends on more than its key's state
    (a rate, another article's entities), so the model computes its rows (a scan, no write) and keeps those
    of the differing_keys; the pre-hook delete_stale_rows(upstream, key) deletes the keys gone upstream.

    A full refresh computes all (every macro here is a no-op or "all keys" then).
-#}

{#-
    Pre-hook: delete the rows of this incremental table whose keys (a list of columns) `current` (a relation
    or a parenthesised subquery) no longer holds, or holds with other state_columns (null equals null).
-#}
{% macro delete_stale_rows(current, keys, state_columns=[]) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as stored
        where not exists (
            select 1 from {{ current }} as current_state
            where
            {%- for key in keys %}
                {{ "and " if not loop.first }}current_state.{{ key }} = stored.{{ key }}
            {%- endfor %}
            {%- for column in state_columns %}
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
