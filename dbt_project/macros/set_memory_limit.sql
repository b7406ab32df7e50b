{#- DuckDB's buffer limit for the build: the var steppe_memory_limit, which the pipeline passes only when
    STEPPE_DUCKDB_MEMORY_LIMIT is set. Without it nothing is set and DuckDB keeps its own default (80 % of
    RAM), the default of every other connection of a run. memory_limit is global to the DuckDB instance,
    so one SET at the start holds for every model and test of the build. -#}
{% macro set_memory_limit() %}
    {%- set limit = var('steppe_memory_limit', none) -%}
    {%- if limit -%}
        set memory_limit = '{{ limit | replace("'", "''") }}'
    {%- endif -%}
{% endmacro %}
