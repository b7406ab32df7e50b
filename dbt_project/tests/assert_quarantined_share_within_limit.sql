-- A few rows failing the contract are quarantined and the run publishes; a systematic failure
-- (more than quarantine.min_rows rows and more than quarantine.max_share of a table) blocks it.
{%- set limits = contract('quarantine') %}
with

tables as (
    select
        'raw.trade_figures' as table_name,
        count(*) as total_rows,
        count_if(not passes_checks) as held_rows
    from {{ ref('int_trade_figures__checked') }}
    union all
    select
        'raw.entity_mentions' as table_name,
        count(*) as total_rows,
        count_if(not passes_checks) as held_rows
    from {{ ref('int_entity_mentions__checked') }}
    union all
    select
        'raw.fx_quotes' as table_name,
        count(*) as total_rows,
        count_if(not passes_checks) as held_rows
    from {{ ref('int_fx_quotes__checked') }}
)

select *
from tables
where
    held_rows > {{ limits['min_rows'] }}
    and held_rows > {{ limits['max_share'] }} * total_rows
