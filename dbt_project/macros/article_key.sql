{#- The stable article key: the same title (whitespace and quote style aside) is the same article. -#}
{% macro article_key(title) -%}
    left(md5(lower(regexp_replace(replace(replace({{ title }}, '’', ''''), chr(160), ' '), '\s+', ' ', 'g'))), 16)
{%- endmacro %}
