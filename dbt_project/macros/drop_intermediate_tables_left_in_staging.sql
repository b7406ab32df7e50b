{#-
    on-run-start of a build: the intermediate models once lived in schema staging. A warehouse
    built then still holds them there (tables, and a view), unread and as large as the marts: drop
    them. The build that moves them is a full refresh (the project changed), so nothing is lost.
-#}
{% macro drop_intermediate_tables_left_in_staging() %}
    {%- if not execute or flags.WHICH not in ('build', 'run') -%}
        {{ return('') }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.fqn[1] == 'intermediate' and node.schema != 'staging' -%}
        {%- set left_behind = adapter.get_relation(database=target.database, schema='staging', identifier=node.alias) -%}
        {%- if left_behind is not none -%}
            {%- do adapter.drop_relation(left_behind) -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
