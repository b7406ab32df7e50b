{#-
    The contract of parsed and extracted values (vars.steppe_contract in dbt_project.yml, read by
    steppe.contract in Python too) and the row checks built on it. A checked model lists its checks
    once; rows failing any of them carry the failures and are held out of the marts
    (audit.quarantined_rows records them).
-#}

{% macro contract(key) -%}
    {{ return(var('steppe_contract')[key]) }}
{%- endmacro %}

{#- A SQL list literal of the contract's values under key, e.g. ('money', 'quantity'). -#}
{% macro contract_values(key) -%}
    ({%- for value in contract(key) -%}
        '{{ value | string | replace("'", "''") }}'{{ ", " if not loop.last }}
    {%- endfor -%})
{%- endmacro %}

{#- The contract's regex under key as a SQL string literal. -#}
{% macro contract_regex(key) -%}
    '{{ contract(key) | replace("'", "''") }}'
{%- endmacro %}

{#-
    The checks a row fails, as a list of {check_name, column_name, offending_value}; [] when it
    passes. checks: a list of {name, column, passes[, value]}: passes is a SQL condition (an unknown,
    NULL, outcome counts as a failure, so each condition says itself when NULL is allowed) and value
    the SQL of the offending value shown (the column by default).
-#}
{% macro failed_checks(checks) -%}
    list_filter([
        {%- for check in checks %}
        case when not coalesce({{ check.passes }}, false) then {
            'check_name': '{{ check.name }}',
            'column_name': '{{ check.column }}',
            'offending_value': left(cast({{ check.get('value', check.column) }} as varchar), 200)
        } end{{ "," if not loop.last }}
        {%- endfor %}
    ], lambda failure: failure is not null)
{%- endmacro %}
