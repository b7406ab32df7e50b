{#-
    on-run-start of a build: how many rows each mart held before this build replaces it, and
    whether something upstream explains a mart that shrinks (tests/assert_marts_do_not_shrink_without_reason.sql).
    A mart may lose rows when the build is a full refresh (the project changed), when a file that fed
    it has a newer version, when its articles were extracted or their dumps parsed again since the
    last build (new extractor or parser), or when more rows are quarantined (each one reported).
    Anything else (new dumps only add rows; raw is append-only) is a wrong warehouse, and blocks.
-#}
{% macro record_build_baseline() %}
    {%- if flags.WHICH not in ('build', 'run') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set marts = ['articles', 'fx_daily', 'entities', 'article_entities', 'trade_figures'] -%}
    {%- set existing = [] -%}
    {%- for mart in marts -%}
        {%- if adapter.get_relation(database=target.database, schema='marts', identifier=mart) is not none -%}
            {%- do existing.append(mart) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set previous_dumps = adapter.get_relation(database=target.database, schema='intermediate', identifier='int_dumps__current') -%}
    {%- set previous_articles = adapter.get_relation(database=target.database, schema='intermediate', identifier='int_articles__deduplicated') -%}
    {%- set quarantine = adapter.get_relation(database=target.database, schema='audit', identifier='quarantined_rows') -%}
    {%- set builds = adapter.get_relation(database=target.database, schema='audit', identifier='dbt_builds') -%}

    create schema if not exists audit;
    create table if not exists audit.build_baselines (
        build_id           varchar not null,
        mart               varchar not null,
        rows_before        bigint not null,
        quarantined_before bigint not null,
        explained_by       varchar,        -- why the mart may shrink in this build; null: it may not
        recorded_at        timestamp not null
    );
    {% if existing and previous_dumps is not none and previous_articles is not none and builds is not none -%}
    insert into audit.build_baselines
    with
    last_build as (
        select coalesce(max(built_at), timestamp '1970-01-01') as built_at from audit.dbt_builds
    ),
    versions as (
        select file_name, dump_id, seen_at from raw.file_versions
        union all
        select file_name, dump_id, landed_at from raw.dumps
        where dump_id not in (select dump_id from raw.file_versions)
    ),
    reasons as (
        select
            {{ 'true' if flags.FULL_REFRESH else 'false' }} as full_refresh,
            exists (
                select 1 from {{ previous_dumps }} as previous, versions
                where list_contains(previous.file_names, versions.file_name)
                  and versions.dump_id <> previous.dump_id and versions.seen_at > previous.version_seen_at
            ) as files_replaced,
            exists (
                select 1 from raw.article_extractions as extractions
                inner join {{ previous_articles }} as articles using (content_hash)
                where extractions.extracted_at > (select built_at from last_build)
            ) as articles_extracted_again,
            exists (
                select 1 from raw.pages as pages
                inner join {{ previous_dumps }} as previous using (dump_id)
                where pages.parsed_at > (select built_at from last_build)
            ) as dumps_parsed_again
    ),
    counts as (
        {%- for mart in existing %}
        select '{{ mart }}' as mart, count(*) as rows_before from marts.{{ mart }}{{ ' union all' if not loop.last }}
        {%- endfor %}
    )
    select
        '{{ invocation_id }}',
        counts.mart,
        counts.rows_before,
        {{ '(select count(*) from ' ~ quarantine ~ ')' if quarantine is not none else '0' }},
        nullif(concat_ws(', ',
            case when reasons.full_refresh then 'full refresh' end,
            case when reasons.files_replaced then 'files replaced by newer versions' end,
            case when reasons.articles_extracted_again then 'articles extracted again' end,
            case when reasons.dumps_parsed_again then 'dumps parsed again' end
        ), ''),
        now()
    from counts, reasons;
    {%- endif %}
{% endmacro %}
