{#-
    Pre-hook of the incremental article models. delete+insert only replaces the articles a build
    recomputes, so an article that no longer appears upstream at all (its dumps were parsed again
    and it is gone) would linger; this removes it. Nothing to do on a full build.
-#}
{% macro delete_vanished_articles(upstream) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where article_id not in (select article_id from {{ upstream }})
    {%- endif -%}
{%- endmacro %}
