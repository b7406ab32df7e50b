-- Every parsed or extracted row held out of the marts by a row-level check of the contract, one
-- row per (table, row, check): what it was, which check it failed and with what value. Rebuilt
-- each build from the checked models, so it lists what the marts leave out now; a row still held
-- out keeps the time it was first quarantined.
{% set previous = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) %}

with

failures as (
    select
        'raw.trade_figures' as table_name,
        content_hash || ':' || cast(position as varchar) as row_key,
        article_id,
        unnest(failed_checks) as failure
    from {{ ref('int_trade_figures__checked') }}
    where not passes_checks
    union all
    select
        'raw.entity_mentions' as table_name,
        content_hash || ':' || cast(position as varchar) as row_key,
        article_id,
        unnest(failed_checks) as failure
    from {{ ref('int_entity_mentions__checked') }}
    where not passes_checks
    union all
    select
        'raw.fx_quotes' as table_name,
        dump_id || ':' || currency as row_key,
        null as article_id,
        unnest(failed_checks) as failure
    from {{ ref('int_fx_quotes__checked') }}
    where not passes_checks
),

quarantined as (
    select
        failures.table_name,
        failures.row_key,
        failures.failure.check_name,
        failures.failure.column_name,
        failures.failure.offending_value,
        failures.article_id,
        '{{ invocation_id }}' as build_id,
        {% if previous is not none -%}
        coalesce(previous.quarantined_at, cast('{{ run_started_at }}' as timestamp)) as quarantined_at
        {%- else -%}
            cast('{{ run_started_at }}' as timestamp) as quarantined_at
        {%- endif %}
    from failures
    {% if previous is not none -%}
    left join {{ previous }} as previous
        on previous.table_name = failures.table_name
        and previous.row_key = failures.row_key
        and previous.check_name = failures.failure.check_name
    {%- endif %}
)

select * from quarantined
