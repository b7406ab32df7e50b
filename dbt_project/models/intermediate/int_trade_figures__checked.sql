-- Trade figures of each deduplicated article, each with the contract checks it fails
-- (macros/contract.sql). marts.trade_figures reads the passing rows; audit.quarantined_rows the rest.
-- Incremental: each row keeps the state of its article (content, extraction time, first page date); a
-- build deletes the rows of articles whose state changed or that are gone, and checks the articles not held yet.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_rows('(' ~ article_extraction_states() ~ ')', ['article_id'],
            ['content_hash', 'extracted_at', 'first_seen_date']) }}",
    )
}}
{%- set all_units = contract('currencies') + contract('quantity_units')
    + contract('percent_units') + contract('ratio_units') %}
{%- set checks = [
    {'name': 'kind_in_contract', 'column': 'kind', 'passes': 'kind in ' ~ contract_values('kinds')},
    {'name': 'unit_in_contract', 'column': 'unit',
     'passes': 'unit in (' ~ "'" ~ all_units | join("', '") ~ "')"},
    {'name': 'unit_fits_kind', 'column': 'unit', 'value': "unit || ' for kind ' || kind",
     'passes': 'kind not in ' ~ contract_values('kinds') ~ ' or unit not in (' ~ "'" ~ all_units | join("', '") ~ "')"
        ~ " or case kind when 'money' then unit in " ~ contract_values('currencies')
        ~ " when 'quantity' then unit in " ~ contract_values('quantity_units')
        ~ " when 'percent' then unit in " ~ contract_values('percent_units')
        ~ " when 'ratio' then unit in " ~ contract_values('ratio_units') ~ ' end'},
    {'name': 'metric_in_contract', 'column': 'metric', 'passes': 'metric in ' ~ contract_values('metrics')},
    {'name': 'reporter_country_iso', 'column': 'reporter_country',
     'passes': 'reporter_country is null or reporter_country in ' ~ contract_values('countries')},
    {'name': 'partner_country_iso', 'column': 'partner_country',
     'passes': 'partner_country is null or partner_country in ' ~ contract_values('countries')},
    {'name': 'period_format', 'column': 'period',
     'passes': 'period is null or (length(period) <= 64 and regexp_full_match(period, ' ~ contract_regex('period_regex') ~ '))'},
    {'name': 'value_finite_non_negative', 'column': 'value', 'passes': 'isfinite(value) and value >= 0'},
] %}

with

articles as (
    select
        article_id,
        content_hash,
        first_seen_date,
        extracted_at
    from ({{ article_extraction_states() }}) as states
    where {{ not_yet_stored('article_id', 'states') }}
),

figures as (
    select
        articles.article_id,
        articles.first_seen_date,
        articles.extracted_at,
        figures.*
    from {{ ref('stg_steppe__trade_figures') }} as figures
    inner join articles using (content_hash)
),

checked as (
    select
        *,
        {{ failed_checks(checks) }} as failed_checks
    from figures
)

select
    checked.*,
    list_transform(checked.failed_checks, lambda failure: failure.check_name) as failed_check_names,
    len(checked.failed_checks) = 0 as passes_checks
from checked
