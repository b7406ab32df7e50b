-- Entity mentions of each deduplicated article, resolved to one canonical entity across articles:
-- a variant or a lone surname ("Tokayev") joins the fuller entity it unambiguously belongs to, and two
-- full names that share an acronym ("Committee for National Security", "National Security Committee",
-- both KNB) are one entity. An acronym an article uses on its own ("TCA", "CSTO") stays as the article
-- gives it: folding it into a long form seen elsewhere would name the entity by words the article
-- never wrote (the long form is kept as its alias where an article gives both).
-- Incremental: resolution is global (a new article can re-point another article's mentions), so the keys
-- are resolved over every article's distinct local entities, but rows are written only for the articles
-- not held yet (new or changed: the pre-hook deletes those whose content or extraction changed) and for
-- those holding a local entity whose resolution (entity key, canonical name) changed.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='fail',
        pre_hook="{{ delete_stale_rows('(' ~ article_extraction_states() ~ ')', ['article_id'],
            ['content_hash', 'extracted_at']) }}",
    )
}}

with

mentions as (
    select
        mentions.article_id,
        mentions.content_hash,
        mentions.extracted_at,
        mentions.entity_type,
        mentions.entity_name,
        mentions.country_code,
        mentions.aliases,
        mentions.mention_count,
        case
            when mentions.entity_type = 'COUNTRY' then 'COUNTRY:' || mentions.country_code
            else mentions.entity_type || ':' || lower(mentions.entity_name)
        end as local_key
    -- Rows failing the contract (a country without a code among them) are quarantined upstream.
    from {{ ref('int_entity_mentions__checked') }} as mentions
    where mentions.passes_checks
),

local_entities as (
    select
        local_key,
        entity_type,
        -- Most frequent spelling; ties go to the alphabetically first, for repeatable builds.
        first(entity_name order by count_name desc, entity_name asc) as entity_name,
        flatten(list(aliases)) as aliases
    from (
        select
            *,
            count(*) over (partition by local_key, entity_name) as count_name
        from mentions
    ) as counted_mentions
    group by local_key, entity_type
),

alias_targets as (
    -- Forms other entities list as their alias (acronyms, variants).
    select
        entities.entity_type,
        lower(entity_aliases.alias_name) as alias_lower,
        min(entities.local_key) as target_key,
        count(distinct entities.local_key) as candidates,
        bool_or({{ is_acronym('entity_aliases.alias_name') }}) as alias_is_acronym
    from local_entities as entities, unnest(entities.aliases) as entity_aliases (alias_name)
    where entities.entity_type <> 'COUNTRY'
    group by entities.entity_type, alias_lower
),

shared_alias_targets as (
    -- Full names that list the same alias: each joins the one whose key sorts first.
    select
        entities.entity_type,
        lower(entities.entity_name) as alias_lower,
        min(entities.local_key) over (partition by entities.entity_type, lower(entity_aliases.alias_name)) as target_key
    from local_entities as entities, unnest(entities.aliases) as entity_aliases (alias_name)
    where entities.entity_type in ('ORG', 'PLACE') and not {{ is_acronym('entities.entity_name') }}
),

surname_targets as (
    -- A lone surname belongs to the one multi-word person who carries it.
    select
        entity_type,
        lower(list_last(string_split(entity_name, ' '))) as alias_lower,
        min(local_key) as target_key,
        count(distinct local_key) as candidates
    from local_entities
    where entity_type = 'PERSON' and entity_name like '% %'
    group by entity_type, alias_lower
),

targets as (
    -- One target per form: an alias of one entity first, then a shared alias, then a surname.
    select
        entity_type,
        alias_lower,
        target_key
    from (
        select
            entity_type,
            alias_lower,
            target_key,
            1 as priority
        from alias_targets
        where candidates = 1 and not alias_is_acronym
        union all
        select
            entity_type,
            alias_lower,
            target_key,
            2 as priority
        from shared_alias_targets
        union all
        select
            entity_type,
            alias_lower,
            target_key,
            3 as priority
        from surname_targets
        where
            candidates = 1
            and (entity_type, alias_lower) not in (
                select (alias_targets.entity_type, alias_targets.alias_lower) from alias_targets
            )
    ) as candidate_targets
    qualify row_number() over (partition by entity_type, alias_lower order by priority, target_key) = 1
),

resolved_keys as (
    select
        local_entities.local_key,
        coalesce(targets.target_key, local_entities.local_key) as entity_key
    from local_entities
    left join targets
        on
            local_entities.entity_type = targets.entity_type
            and targets.alias_lower = lower(local_entities.entity_name)
            and local_entities.local_key <> targets.target_key
),

canonical_keys as (
    select
        resolved_keys.local_key,
        resolved_keys.entity_key,
        canonical.entity_name as canonical_name
    from resolved_keys
    inner join local_entities as canonical on resolved_keys.entity_key = canonical.local_key
),

articles_to_write as (
    select distinct mentions.article_id from mentions
    where {{ not_yet_stored('article_id', 'mentions') }}
    {%- if is_incremental() %}
    union
    select stored.article_id from {{ this }} as stored
    where stored.local_key in (
        select re_pointed.local_key from (
            select distinct
                local_key,
                entity_key,
                canonical_name
            from {{ this }}
            except
            select
                local_key,
                entity_key,
                canonical_name
            from canonical_keys
        ) as re_pointed
    )
    {%- endif %}
),

resolved as (
    select
        left(md5(canonical_keys.entity_key), 16) as entity_id,
        canonical_keys.entity_key,
        canonical_keys.canonical_name,
        mentions.*
    from mentions
    inner join canonical_keys using (local_key)
    where mentions.article_id in (select articles_to_write.article_id from articles_to_write)
)

select * from resolved
