{#- marts.articles' columns but title and body (compared through content_hash), from int_articles__deduplicated. -#}
{% macro mart_article_columns() -%}
    is_truncated,
    first_seen_date,
    cast(dump_count as integer) as dump_count,
    cast(word_count as integer) as word_count,
    cast(paragraph_count as integer) as paragraph_count,
    subheadings,
    cast(version_count as integer) as version_count,
    content_hash
{%- endmacro %}

{#-
    The articles marts.articles (incremental) writes in this build: those of int_articles__deduplicated
    new or changed since the table was written; all of them on a full build. Its pre-hook releases
    the foreign-key references to exactly these (macros/release_foreign_key_references.sql).
-#}
{% macro mart_articles_to_rewrite() -%}
    select changed_articles.article_id from (
        select
            article_id,
            {{ mart_article_columns() | indent(12) }}
        from {{ ref('int_articles__deduplicated') }}
        {%- if is_incremental() %}
        except
        select * exclude (title, body) from {{ this }}
        {%- endif %}
    ) as changed_articles
{%- endmacro %}

{#- The articles marts.articles deletes in this build: those it rewrites and those gone upstream. -#}
{% macro mart_articles_to_release() -%}
    {{ mart_articles_to_rewrite() }}
    union all
    select stored.article_id from {{ this }} as stored
    where stored.article_id not in (select upstream.article_id from {{ ref('int_articles__deduplicated') }} as upstream)
{%- endmacro %}
