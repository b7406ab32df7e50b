{#- An acronym as the site writes one: capitals, digits and dots, no space ("TCA", "U.N.", "CSTO"). -#}
{% macro is_acronym(expression) -%}
    regexp_full_match({{ expression }}, '[A-Z][A-Z0-9.&-]*[A-Z0-9.]')
{%- endmacro %}
