{#- marts.entities' rows: of the entities affected_entities() names (models/marts/entities.sql writes those that differ). -#}
{% macro entities_rows() -%}
with

mentions as (
    select * from {{ ref('int_entity_mentions__resolved') }}
    where entity_id in ({{ affected_entities() }})
),

surface_forms as (
    -- Every form seen: the articles' own names and their aliases.
    select
        entity_id,
        entity_name as form
    from mentions
    union
    select
        entity_id,
        unnest(aliases) as form
    from mentions
),

canonical_names as (
    select distinct
        entity_id,
        canonical_name
    from mentions
),

aliases as (
    select
        surface_forms.entity_id,
        list_sort(list(distinct surface_forms.form)) as aliases
    from surface_forms
    inner join canonical_names as canonical using (entity_id)
    where lower(surface_forms.form) <> lower(canonical.canonical_name)
    group by surface_forms.entity_id
),

entities as (
    select
        entity_id,
        any_value(canonical_name) as name,
        any_value(entity_type) as entity_type,
        -- The code most articles give; ties to the alphabetically first.
        first(country_code order by country_votes desc, country_code asc) filter (where country_code is not null)
            as country_code,
        count(distinct article_id) as article_count,
        sum(mention_count) as mention_count
    from (
        select
            *,
            count(*) over (partition by entity_id, country_code) as country_votes
        from mentions
    ) as voted_mentions
    group by entity_id
),

final as (
    select
        entities.entity_id,
        entities.name,
        entities.entity_type,
        entities.country_code,
        coalesce(aliases.aliases, cast([] as varchar[])) as aliases,
        cast(entities.article_count as integer) as article_count,
        cast(entities.mention_count as integer) as mention_count,
        coordinates.latitude,
        coordinates.longitude
    from entities
    left join aliases using (entity_id)
    -- A place named like a known city takes its coordinates; in another country, it takes none.
    left join {{ ref('place_coordinates') }} as coordinates
        on
            entities.entity_type = 'PLACE'
            and entities.name = coordinates.place_name
            and coalesce(entities.country_code, coordinates.country_code) = coordinates.country_code
)

select * from final
{%- endmacro %}

{#- Pre-hook of marts.entities: the article_entities rows of the entities whose aliases changed. -#}
{% macro release_entities_with_new_aliases() -%}
    {%- if is_incremental() -%}
        delete from {{ this.incorporate(path={'identifier': 'article_entities'}) }}
        where entity_id in (
            select current_entities.entity_id
            from ({{ entities_rows() }}) as current_entities
            inner join {{ this }} as stored using (entity_id)
            where current_entities.aliases <> stored.aliases
        )
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of marts.entities: the entities no article_entities row references (the merge adds back those still current). -#}
{% macro delete_unreferenced_entities() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where entity_id not in (
            select referencing.entity_id from {{ this.incorporate(path={'identifier': 'article_entities'}) }} as referencing
        )
    {%- endif -%}
{%- endmacro %}

{#-
    A fingerprint of everything an entity's row is computed from: its resolved mentions, and the
    coordinates seed. intermediate.int_entities__fingerprints keeps those of the last build. Kept as text:
    Parquet has no 128-bit integer, and a DuckLake stores a hugeint as a double, so the lake's copy
    of a hugeint fingerprint never equalled a new one (every entity looked changed).
-#}
{% macro entity_fingerprints() -%}
    with coordinates as (
        select sum(hash(place_name, country_code, latitude, longitude)::hugeint) as digest
        from {{ ref('place_coordinates') }}
    )
    select
        mentions.entity_id,
        count(*) as mention_rows,
        cast(sum(hash(
            mentions.article_id, mentions.entity_type, mentions.entity_name, mentions.canonical_name,
            mentions.country_code, mentions.aliases, mentions.mention_count
        )::hugeint) + any_value(coordinates.digest) as varchar) as fingerprint
    from {{ ref('int_entity_mentions__resolved') }} as mentions, coordinates
    group by mentions.entity_id
{%- endmacro %}

{#-
    The entities whose row may change in this build: those whose fingerprint differs from the last
    build's (new ones among them) and those missing from marts.entities; every entity on a full build. Entities gone are not listed:
    marts.article_entities' post-hook deletes them.
-#}
{% macro affected_entities() -%}
    {%- set stored = adapter.get_relation(database=this.database, schema='intermediate',
        identifier='int_entities__fingerprints') if execute and is_incremental() else none -%}
    {%- if stored is not none -%}
        select changed_fingerprints.entity_id from (
            {{ entity_fingerprints() }}
            except
            select entity_id, mention_rows, fingerprint from {{ stored }}
        ) as changed_fingerprints
        union
        -- Deleted by the pre-hooks (no article_entities row referenced them any more) but still current.
        select resolved.entity_id from {{ ref('int_entity_mentions__resolved') }} as resolved
        where resolved.entity_id not in (select stored_entities.entity_id from {{ this }} as stored_entities)
    {%- else -%}
        select resolved.entity_id from {{ ref('int_entity_mentions__resolved') }} as resolved
    {%- endif -%}
{%- endmacro %}
