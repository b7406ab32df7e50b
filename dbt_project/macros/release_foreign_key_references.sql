{#-
    Pre-hook of an incremental mart that other marts reference by a foreign key (marts.articles).

    DuckDB checks a foreign key on every delete from the referenced table, and has neither
    deferred nor cascading constraints: delete+insert of an article that marts.article_entities or
    marts.trade_figures still points at fails. Those marts are rebuilt later in the same build, so their
    rows are deleted first: all of them from a table rebuilt whole; from an incremental one, the rows
    whose `key` is in `released` (SQL of the keys this model deletes), which that model writes again. Before the model's transaction (transaction: false), and
    committed: DuckDB still sees keys deleted earlier in the same transaction as referenced. A
    failed build leaves them empty in the run's working copy only, which is then not published.
    A referencing table this build would not rebuild (not a dbt table model, or not selected) stops
    the build instead of losing its rows. On a full refresh dbt-duckdb moves them aside itself.
-#}
{% macro release_foreign_key_references(key, released) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set referencing = run_query(
        "select distinct table_name from duckdb_constraints()"
        ~ " where constraint_type = 'FOREIGN KEY'"
        ~ " and database_name = '" ~ adapter.escape_sql_string(this.database) ~ "'"
        ~ " and schema_name = '" ~ adapter.escape_sql_string(this.schema) ~ "'"
        ~ " and referenced_table = '" ~ adapter.escape_sql_string(this.identifier) ~ "'"
        ~ " and table_name <> referenced_table order by 1"
    ).columns[0].values() -%}
    {%- for table in referencing -%}
        {%- set node = _model_building(this.schema, table) -%}
        {%- if node is none or node.config.materialized not in ('table', 'incremental') -%}
            {%- do exceptions.raise_compiler_error(
                this ~ " is rebuilt incrementally and " ~ this.schema ~ "." ~ table ~ " references it by a foreign key,"
                ~ " but this build does not rebuild " ~ table ~ " as a table or incrementally: select it too (dbt build selects all)") -%}
        {%- endif %}
        delete from {{ this.incorporate(path={'identifier': table}) }}
        {%- if node.config.materialized == 'incremental' %} where {{ key }} in ({{ released }}){% endif %};
    {%- endfor -%}
{%- endmacro %}

{#- The selected model of this build that writes schema.identifier, or none. -#}
{% macro _model_building(schema, identifier) -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.unique_id in selected_resources
            and node.schema | lower == schema | lower
            and (node.alias or node.name) | lower == identifier | lower -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}
