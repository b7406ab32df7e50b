-- Entity mentions of each deduplicated article, each with the contract checks it fails
-- (macros/contract.sql). int_entity_mentions__resolved reads the passing rows; audit.quarantined_rows the rest.
-- Incremental: each row keeps the state of its article (content, extraction time); a build deletes the
-- rows of articles whose state changed or that are gone, and checks the articles not held yet.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_rows('(' ~ article_extraction_states() ~ ')', ['article_id'], ['content_hash', 'extracted_at']) }}",
    )
}}
{%- set checks = [
    {'name': 'entity_type_in_contract', 'column': 'entity_type', 'passes': 'entity_type in ' ~ contract_values('entity_types')},
    {'name': 'country_code_iso', 'column': 'country_code',
     'passes': 'country_code is null or country_code in ' ~ contract_values('countries')},
    {'name': 'country_has_code', 'column': 'country_code', 'value': "coalesce(country_code, 'NULL') || ' for ' || entity_name",
     'passes': "entity_type <> 'COUNTRY' or country_code is not null"},
    {'name': 'name_not_blank', 'column': 'entity_name', 'passes': 'length(entity_name) > 0'},
] %}

with

articles as (
    select
        article_id,
        content_hash,
        extracted_at
    from ({{ article_extraction_states() }}) as states
    where {{ not_yet_stored('article_id', 'states') }}
),

mentions as (
    select
        articles.article_id,
        articles.extracted_at,
        mentions.*
    from {{ ref('stg_steppe__entity_mentions') }} as mentions
    inner join articles using (content_hash)
),

checked as (
    select
        *,
        {{ failed_checks(checks) }} as failed_checks
    from mentions
)

select
    checked.*,
    list_transform(checked.failed_checks, lambda failure: failure.check_name) as failed_check_names,
    len(checked.failed_checks) = 0 as passes_checks
from checked
