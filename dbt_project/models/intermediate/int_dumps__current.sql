-- The current dumps: for each file name, the dump of its latest version. A dump held by any
-- file's latest version is current; older versions stay in raw for audit but build no mart.
with

ledger as (
    select
        file_name,
        dump_id,
        seen_at
    from {{ ref('stg_steppe__file_versions') }}
),

dumps as (
    select
        dump_id,
        file_name,
        landed_at
    from {{ ref('stg_steppe__dumps') }}
),

unledgered as (
    -- Dumps landed before the ledger existed: one version of the file they were landed under.
    select
        file_name,
        dump_id,
        landed_at as seen_at
    from dumps
    where dump_id not in (select ledger.dump_id from ledger)
),

versions as (
    select * from ledger
    union all
    select * from unledgered
),

latest as (
    -- The newest version of each file; a tie on time goes to the greater dump id, for repeatable builds.
    select
        file_name,
        dump_id,
        seen_at
    from versions
    where dump_id in (select dumps.dump_id from dumps)
    qualify row_number() over (partition by file_name order by seen_at desc, dump_id desc) = 1
),

current_dumps as (
    select
        dump_id,
        list_sort(list(file_name)) as file_names,
        max(seen_at) as version_seen_at
    from latest
    group by dump_id
)

select * from current_dumps
