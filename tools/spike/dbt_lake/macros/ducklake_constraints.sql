{#-
    Spike (issue 14): DuckLake stores NOT NULL only; PRIMARY KEY, UNIQUE and FOREIGN KEY fail with
    "Not implemented Error: PRIMARY KEY/UNIQUE constraints are not supported in DuckLake". On a
    DuckLake relation the contract keeps its columns, types and NOT NULLs and drops the key
    constraints, which the data tests (unique, relationships) still check. A DuckDB file keeps them.
-#}
{% macro duckdb__get_table_columns_and_constraints() -%}
    {%- if not adapter.is_ducklake(this) -%}
        {{ return(table_columns_and_constraints()) }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set kept = column.copy() -%}
        {%- do kept.update({'constraints': column.get('constraints', []) | selectattr('type', 'equalto', 'not_null') | list}) -%}
        {%- do columns.update({name: kept}) -%}
    {%- endfor -%}
    {%- set rendered = adapter.render_raw_columns_constraints(raw_columns=columns) -%}
    (
    {% for column in rendered -%}
      {{ column }}{{ "," if not loop.last }}
    {% endfor %}
    )
{%- endmacro %}
