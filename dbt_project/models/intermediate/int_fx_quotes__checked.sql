-- Ticker quotes of the current dumps, each with the contract checks it fails (macros/contract.sql).
-- int_fx_quotes__dated reads the passing rows; audit.quarantined_rows the rest. A rate that is
-- printed well but not positive passes here: marts.fx_daily's positive_values test blocks the run.
{%- set checks = [
    {'name': 'currency_iso4217', 'column': 'currency', 'passes': 'currency in ' ~ contract_values('currencies')},
    {'name': 'quote_currency_in_contract', 'column': 'quote_currency',
     'passes': 'quote_currency in ' ~ contract_values('quote_currencies')},
    {'name': 'rate_printed_number', 'column': 'rate_text',
     'passes': 'length(rate_text) <= 32 and regexp_full_match(rate_text, ' ~ contract_regex('printed_number_regex') ~ ')'},
    {'name': 'change_pct_printed_number', 'column': 'change_pct_text',
     'passes': 'length(change_pct_text) <= 32 and regexp_full_match(change_pct_text, ' ~ contract_regex('printed_number_regex') ~ ')'},
] %}
{#- Incremental: each row keeps its dump's parse time; a build deletes the rows of dumps no longer current
    or parsed again, and checks the current dumps not held yet. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_rows('(' ~ current_dump_states() ~ ')', ['dump_id'], ['parsed_at']) }}",
    )
}}

with

dumps as (
    select
        dump_id,
        parsed_at
    from ({{ current_dump_states() }}) as states
    where {{ not_yet_stored('dump_id', 'states') }}
),

quotes as (
    select
        quotes.*,
        dumps.parsed_at
    from {{ ref('stg_steppe__fx_quotes') }} as quotes
    inner join dumps using (dump_id)
),

checked as (
    select
        *,
        {{ failed_checks(checks) }} as failed_checks
    from quotes
)

select
    checked.*,
    list_transform(checked.failed_checks, lambda failure: failure.check_name) as failed_check_names,
    len(checked.failed_checks) = 0 as passes_checks
from checked
