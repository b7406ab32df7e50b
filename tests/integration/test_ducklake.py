"""The DuckLake backend (STEPPE_BACKEND=ducklake) against the real PostgreSQL of this machine
(127.0.0.1:5432, trust auth): one fresh catalog database per lake, dropped when the session ends.

What it must do (issue 14): runs publish into the lake in one transaction, with marts equal to the
single-file build of the same dumps; a reader in another process is never blocked and sees the new
snapshot as soon as it commits; a blocking check failure commits nothing; earlier snapshots stay
readable; the Airflow DAG builds the lake from the development corpus.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from steppe import lake
from steppe.pipeline import QualityGateError, build, extract, land, parse, prepare, publish, run_pipeline, validate
from steppe.readers import lake_snapshots, open_lake
from steppe.report import read_last_run
from steppe.settings import Settings
from steppe.store import on_step
from tests.conftest import (
    BUNDLED_RAW,
    CORPUS_PAGES,
    age,
    extra_dumps,
    make_settings,
    seed_raw,
    table_hashes,
    write_dump,
)
from tests.integration.test_airflow_dag import AIRFLOW, airflow_env

PG = "host=127.0.0.1 port=5432 user=postgres"
SESSION = f"steppe_test_lake_{os.getpid()}_{uuid.uuid4().hex[:6]}"


# --- fixtures -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def new_catalog() -> Iterator[Any]:
    """new_catalog() -> a fresh PostgreSQL database name for one lake; all are dropped at the end."""
    made: list[str] = []

    def make() -> str:
        name = f"{SESSION}_{len(made)}"
        with psycopg.connect(f"{PG} dbname=postgres", autocommit=True) as con:
            con.execute(f"create database {name}")  # a generated name: no quoting needed
        made.append(name)
        return name

    yield make
    with psycopg.connect(f"{PG} dbname=postgres", autocommit=True) as con:
        for name in made:
            con.execute(f"drop database if exists {name} with (force)")


def lake_env(root: Path, catalog: str) -> dict[str, str]:
    return {"STEPPE_BACKEND": "ducklake", "STEPPE_LAKE_CATALOG": f"postgres:dbname={catalog} host=127.0.0.1",
            "STEPPE_LAKE_DATA_PATH": str(root / "lake-data")}


def lake_settings(root: Path, catalog: str, raw: Path) -> Settings:
    env = {**lake_env(root, catalog), "STEPPE_RAW_DIR": str(raw),
           "STEPPE_WAREHOUSE": str(root / "lake-state" / "warehouse.duckdb"),
           "STEPPE_REPORTS_DIR": str(root / "lake-reports")}
    return Settings.from_env(env)


def lake_hashes(settings: Settings, snapshot: int | None = None) -> dict[str, str]:
    con = open_lake(settings, snapshot=snapshot)
    try:
        return table_hashes(con)
    finally:
        con.close()


def current(settings: Settings) -> int:
    con = open_lake(settings)
    try:
        return lake.current_snapshot(con)
    finally:
        con.close()


READER = """
import json, sys, time
from pathlib import Path
from steppe.readers import open_lake
stop = Path(sys.argv[1])
con = open_lake()  # settings from the environment, as any reader's
print(json.dumps({"ready": True}), flush=True)
while not stop.exists():
    started = time.time()
    snapshot, dumps, fx_days = con.execute(
        "select (select id from lake.current_snapshot()), (select count(*) from raw.dumps),"
        " (select count(*) from marts.fx_daily)").fetchone()
    print(json.dumps({"start": started, "end": time.time(), "snapshot": snapshot, "state": [dumps, fx_days]}),
          flush=True)
    time.sleep(0.05)
"""


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory, new_catalog: Any) -> dict[str, Any]:
    """Two runs of both backends over the same raw folder (the seeds, then two more dumps); a
    reader in another process polls the lake through the lake's second run."""
    root = tmp_path_factory.mktemp("ducklake")
    raw = seed_raw(root / "raw")
    file_settings = make_settings(root / "file", raw)
    catalog = new_catalog()
    settings = lake_settings(root, catalog, raw)
    facts: dict[str, Any] = {"settings": settings, "root": root}

    run_pipeline(file_settings)
    facts["file_warehouse"] = file_settings.warehouse
    facts["file_hashes_1"] = table_hashes(file_settings.warehouse)
    facts["run_1"] = run_pipeline(settings)
    facts["snapshot_1"] = current(settings)
    facts["lake_hashes_1"] = lake_hashes(settings)

    for name, text in extra_dumps().items():
        write_dump(raw, name, text)
    stop = root / "stop-reader"
    env = {**os.environ, **lake_env(root, catalog)}
    reader = subprocess.Popen([sys.executable, "-c", READER, str(stop)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None
        assert json.loads(reader.stdout.readline()) == {"ready": True}
        moments: dict[str, float] = {}
        remove = on_step(lambda point, _: moments.setdefault(point, time.time()))
        try:
            started = time.time()
            facts["run_2"] = run_pipeline(settings)
            facts["run_2_seconds"] = time.time() - started
        finally:
            remove()
        time.sleep(1.0)  # the reader's queries right after the commit
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    facts["reads"] = [json.loads(line) for line in out.splitlines() if line.strip()]
    facts["moments"] = moments
    facts["snapshot_2"] = current(settings)
    facts["lake_hashes_2"] = lake_hashes(settings)
    run_pipeline(file_settings)
    facts["file_hashes_2"] = table_hashes(file_settings.warehouse)
    return facts


# --- settings -----------------------------------------------------------------------------------------


def test_the_file_backend_stays_the_default_and_the_lake_is_chosen_by_one_setting(tmp_path: Path) -> None:
    assert Settings.from_env({}).backend == "file"
    chosen = Settings.from_env({"STEPPE_BACKEND": "ducklake", "STEPPE_LAKE_CATALOG": "postgres:dbname=x",
                                "STEPPE_LAKE_DATA_PATH": "s3://bucket/steppe/"})
    assert (chosen.uses_lake, chosen.lake_catalog, chosen.lake_data_path) == (True, "postgres:dbname=x",
                                                                              "s3://bucket/steppe/")
    with pytest.raises(ValueError, match="STEPPE_LAKE_CATALOG"):
        Settings.from_env({"STEPPE_BACKEND": "ducklake"})
    with pytest.raises(ValueError, match="expected one of"):
        Settings.from_env({"STEPPE_BACKEND": "duck-lake"})  # a typo never publishes elsewhere
    assert lake.redacted("postgres:dbname=s host=h password=secret") == "postgres:dbname=s host=h password=***"


def test_the_extensions_load_with_no_network() -> None:
    con = lake.connect_offline()
    try:
        loaded = {r[0] for r in con.execute(
            "select extension_name from duckdb_extensions() where loaded").fetchall()}
        assert {"ducklake", "postgres_scanner"} <= loaded
        assert con.execute("select current_setting('autoinstall_known_extensions')").fetchone() == (False,)
    finally:
        con.close()


# --- runs -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_lake_run_publishes_marts_equal_to_the_file_build(two_runs: dict[str, Any]) -> None:
    assert two_runs["lake_hashes_1"] == two_runs["file_hashes_1"]
    assert len(two_runs["lake_hashes_1"]) == 5
    # The second run starts from the first's working file (incremental models included): still equal.
    assert two_runs["lake_hashes_2"] == two_runs["file_hashes_2"]
    assert two_runs["lake_hashes_2"] != two_runs["lake_hashes_1"]
    publish_1, publish_2 = two_runs["run_1"]["publish"], two_runs["run_2"]["publish"]
    assert publish_1["lake_snapshot"] == two_runs["snapshot_1"]
    # One run, one snapshot: the whole publication is one commit.
    assert (publish_2["lake_base_snapshot"], publish_2["lake_snapshot"]) == (two_runs["snapshot_1"],
                                                                             two_runs["snapshot_1"] + 1)
    assert two_runs["snapshot_2"] == publish_2["lake_snapshot"]


def test_the_next_run_starts_from_the_last_publications_working_file(two_runs: dict[str, Any]) -> None:
    """The lake equals the working file it was published from; while it stays at that snapshot the
    next prepare renames that file into place instead of copying the lake (the marts equal above)."""
    assert two_runs["run_1"]["publish"]["lake_prepared_from"] == "lake"  # nothing kept yet
    assert two_runs["run_2"]["publish"]["lake_prepared_from"] == "replica"


@pytest.mark.slow
def test_a_lake_another_writer_moved_is_copied_again_with_marts_equal_to_the_file_build(
    tmp_path: Path, new_catalog: Any
) -> None:
    raw = seed_raw(tmp_path / "raw")
    settings = lake_settings(tmp_path, new_catalog(), raw)
    file_settings = make_settings(tmp_path / "file", raw)
    run_pipeline(settings)
    run_pipeline(file_settings)
    con = lake.connect(settings, read_only=False)
    try:  # another writer commits a snapshot of its own (a table outside the published schemas)
        con.execute("create table lake.main.other_writer as select 1 as x")
    finally:
        con.close()
    for name, text in extra_dumps().items():
        write_dump(raw, name, text)
    second = run_pipeline(settings)
    run_pipeline(file_settings)
    assert second["publish"]["lake_prepared_from"] == "lake"
    assert lake_hashes(settings) == table_hashes(file_settings.warehouse)


def test_publish_writes_row_groups_of_a_bounded_size(tmp_path: Path, new_catalog: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The Parquet writer holds a row group in memory: publish bounds them in bytes, not rows."""
    monkeypatch.setattr(lake, "PUBLISH_ROW_GROUP_BYTES", "1MB")
    settings = lake_settings(tmp_path, new_catalog(), tmp_path)
    work = tmp_path / "work.duckdb"
    con = duckdb.connect(str(work))
    try:  # 20 MB of page text in 10,000 rows: one row group by the default of 122,880 rows
        con.execute("create schema raw")
        con.execute("create table raw.dumps as select range::varchar as dump_id, repeat(md5(range::varchar), 64)"
                    " as content from range(10000)")
    finally:
        con.close()
    base = lake.copy_into(settings, tmp_path / "unused.duckdb")  # an empty lake: Steppe's schemas, no copy
    lake.publish_from(settings, work, base)
    con = open_lake(settings)
    try:
        files = [row[0] for row in con.execute("select data_file from ducklake_list_files('lake', 'dumps', "
                                               "schema => 'raw')").fetchall()]
        groups = con.execute("select count(distinct (file_name, row_group_id)), max(row_group_num_rows) "
                             "from parquet_metadata(?)", [files]).fetchone()
        assert con.execute("select count(*) from raw.dumps").fetchone() == (10000,)
    finally:
        con.close()
    assert groups is not None and groups[0] >= 3 and groups[1] < 10000, groups


def _lake_files(settings: Settings, schema: str, table: str) -> list[str]:
    con = open_lake(settings)
    try:
        return sorted(str(r[0]) for r in con.execute(
            "select data_file from ducklake_list_files('lake', ?, schema => ?)", [table, schema]).fetchall())
    finally:
        con.close()


def test_publish_writes_only_the_rows_that_differ_and_the_lake_equals_the_working_file(
        tmp_path: Path, new_catalog: Any) -> None:
    """A later publication changes rows in place: new, deleted, updated, NULL-valued and repeated rows end as in
    the working file; a table nothing changed gets no new file; a new or reshaped table is written whole."""
    settings = lake_settings(tmp_path, new_catalog(), tmp_path)
    work = tmp_path / "work.duckdb"
    with duckdb.connect(str(work)) as con:
        con.execute("create schema raw; create schema marts; create schema audit")
        con.execute("create table raw.dumps as select range::varchar as dump_id, md5(range::varchar) as sha256,"
                    " repeat('page text ', 50) || range as content from range(1000)")
        con.execute("create table marts.articles (article_id varchar, content_hash varchar, title varchar,"
                    " body varchar, tags varchar[], score double)")
        con.execute("insert into marts.articles values ('a', 'h1', 'A', 'body a', ['x', null], 1.0),"
                    " ('b', 'h2', 'B', 'body b', null, null), ('b', 'h2', 'B', 'body b', null, null),"
                    " ('c', 'h3', 'C', 'body c', [], 3.0)")
        con.execute("create table audit.untouched as select range as n from range(10)")
        con.execute("create table audit.reshaped as select range as n from range(10)")
        con.execute("create table audit.dropped as select 1 as n")
    base = lake.copy_into(settings, tmp_path / "unused.duckdb")  # an empty lake: Steppe's schemas
    first, counts = lake.publish_from(settings, work, base)
    assert counts == {"rewritten": 5, "changed": 0, "unchanged": 0}
    untouched_files = _lake_files(settings, "audit", "untouched")

    with duckdb.connect(str(work)) as con:  # what a run does to its working file
        con.execute("insert into raw.dumps values ('1000', 'new', 'a new page')")
        con.execute("delete from raw.dumps where dump_id in ('3', '500')")
        con.execute("update marts.articles set score = 2.5, tags = ['y'] where article_id = 'a'")
        con.execute("insert into marts.articles values ('b', 'h2', 'B', 'body b', null, null)")  # a third copy
        con.execute("update marts.articles set score = null where article_id = 'c'")
        con.execute("alter table audit.reshaped add column m integer")
        con.execute("drop table audit.dropped")
        con.execute("create table audit.added as select 42 as n")
    second, counts = lake.publish_from(settings, work, first)

    assert second > first
    assert counts == {"rewritten": 2, "changed": 2, "unchanged": 1}
    assert _lake_files(settings, "audit", "untouched") == untouched_files
    names = ["raw.dumps", "marts.articles", "audit.untouched", "audit.reshaped", "audit.added"]
    con = open_lake(settings)
    try:
        assert {f"{s}.{t}" for s, t in lake.tables(con, "lake")} == set(names)
        published = table_hashes(con, names)
    finally:
        con.close()
    assert published == table_hashes(work, names)


@pytest.mark.slow
def test_the_text_publish_does_not_compare_is_fixed_by_its_rows_hash(two_runs: dict[str, Any]) -> None:
    """Publish's diff leaves out the columns lake.DETERMINED_BY_HASH names: in a warehouse built from the
    seeds and two more dumps, no hash value comes with two different texts."""
    with duckdb.connect(str(two_runs["file_warehouse"]), read_only=True) as con:
        for (schema, table), (hash_column, fixed) in lake.DETERMINED_BY_HASH.items():
            hashes, variants = con.execute(
                f"select count(distinct {hash_column}), count(distinct ({hash_column}, {', '.join(fixed)}))"  # noqa: S608
                f" from {schema}.{table}").fetchone() or (0, 0)
            assert hashes > 0 and hashes == variants, f"{schema}.{table}"


@pytest.mark.slow
def test_the_report_names_the_published_snapshot(two_runs: dict[str, Any]) -> None:
    settings = two_runs["settings"]
    record = read_last_run(settings.reports_dir)
    assert record is not None and record["status"] == "published"
    assert record["result"]["lake_snapshot"] == two_runs["snapshot_2"]
    page = (settings.reports_dir / "index.html").read_text()
    assert f"DuckLake snapshot: <b>{two_runs['snapshot_2']}</b>" in page
    assert "ducklake:postgres:dbname=" in page


@pytest.mark.slow
def test_a_reader_in_another_process_is_never_blocked_and_sees_each_commit_at_once(two_runs: dict[str, Any]) -> None:
    reads, moments = two_runs["reads"], two_runs["moments"]
    before, after = moments["publish-before-replace"], moments["publish-after-replace"]
    during_run = [r for r in reads if r["end"] < before]
    assert len(during_run) >= 10, "the reader queried while the run worked"
    slowest = max(r["end"] - r["start"] for r in reads)
    assert slowest < two_runs["run_2_seconds"] / 4, (slowest, two_runs["run_2_seconds"])
    old, new = two_runs["snapshot_1"], two_runs["snapshot_2"]
    assert {r["snapshot"] for r in during_run} == {old}
    right_after = [r for r in reads if r["start"] > after]
    assert right_after and {r["snapshot"] for r in right_after} == {new}
    # Whole publications only: each snapshot shows one state (raw and marts of one run).
    states: dict[int, set[tuple[int, int]]] = {}
    for r in reads:
        states.setdefault(r["snapshot"], set()).add(tuple(r["state"]))
    fx_1, fx_2 = (two_runs[f"run_{n}"]["publish"]["mart_rows"]["fx_daily"] for n in (1, 2))
    assert states == {old: {(3, fx_1)}, new: {(5, fx_2)}}


@pytest.mark.slow
def test_an_earlier_snapshot_stays_readable(two_runs: dict[str, Any]) -> None:
    settings = two_runs["settings"]
    assert lake_hashes(settings, snapshot=two_runs["snapshot_1"]) == two_runs["file_hashes_1"]
    con = open_lake(settings)
    try:
        ids = [i for i, _ in lake_snapshots(con)]
        assert ids[-2:] == [two_runs["snapshot_1"], two_runs["snapshot_2"]]
        version = two_runs["snapshot_1"]
        old = con.execute(f"select count(*) from marts.articles at (version => {version})").fetchone()  # noqa: S608
        assert old == (two_runs["run_1"]["publish"]["mart_rows"]["articles"],)
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("delete from marts.articles")
    finally:
        con.close()


def readme_lake_example() -> str:
    """The README's DuckLake example for any DuckDB client (the one ```sql block that attaches a lake)."""
    from tests.integration.test_warehouse_clients import SQL_BLOCK_RE

    blocks = SQL_BLOCK_RE.findall((Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8"))
    (example,) = [sql for sql in blocks if "ducklake:" in sql]
    return example


def test_the_readme_lake_example_runs_in_the_duckdb_cli(two_runs: dict[str, Any]) -> None:
    """The PyPI DuckDB CLI, with the README's commands, reads the lake (latest and an earlier snapshot)."""
    settings = two_runs["settings"]
    catalog = settings.lake_catalog.split("dbname=")[1].split()[0]
    version = two_runs["snapshot_1"]
    sql = (readme_lake_example()
           .replace("/abs/path/.venv/duckdb_extensions", str(lake.ensure_extensions()))
           .replace("dbname=steppe_lake ", f"dbname={catalog} ")
           .replace("VERSION => 3", f"VERSION => {version}").replace("SNAPSHOT_VERSION 3", f"SNAPSHOT_VERSION {version}"))
    assert f"dbname={catalog} " in sql and f"VERSION => {version}" in sql  # the example's placeholders were found
    cli = Path(sys.executable).parent / "duckdb"
    done = subprocess.run([str(cli), "-csv", "-c", sql], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "snapshot_id,snapshot_time,changes" in lines
    earlier_articles = two_runs["run_1"]["publish"]["mart_rows"]["articles"]
    assert lines[lines.index("snapshot_id,snapshot_time,changes") + 1:].count(str(earlier_articles)) >= 1


@pytest.mark.slow
def test_a_blocking_failure_leaves_the_last_snapshot_current(two_runs: dict[str, Any]) -> None:
    settings = two_runs["settings"]
    snapshot, hashes = current(settings), lake_hashes(settings)
    write_dump(settings.raw_dir, "z_more.txt", extra_dumps()["x_later_day.txt"].replace("09 December", "10 December"))
    run_id = prepare(settings)["run_id"]
    run_file = json.loads((settings.work_dir / run_id / "run.json").read_text())
    assert run_file["prepared_from"] == "replica"  # the last publication's working file, not a copy
    for stage in (land, parse, extract, build):
        stage(run_id, settings)
    con = duckdb.connect(str(settings.work_dir / run_id / "warehouse.duckdb"))
    try:  # landing's bookkeeping went wrong (as tests/integration/test_quality_gate.py plants it)
        con.execute("update raw.dumps set size_bytes = 0")
    finally:
        con.close()
    with pytest.raises(QualityGateError):
        validate(run_id, settings)
    assert current(settings) == snapshot
    assert lake_hashes(settings) == hashes
    record = read_last_run(settings.reports_dir)
    assert record is not None and record["status"] == "failed"
    # The replica went with the failed run's working copy: the next run copies from the lake.
    assert not list((settings.state_dir / lake.REPLICA_FOLDER).iterdir())


@pytest.mark.slow
def test_a_run_overtaken_by_another_publication_restarts_from_the_new_snapshot(
    tmp_path: Path, new_catalog: Any
) -> None:
    raw = seed_raw(tmp_path / "raw")
    settings = lake_settings(tmp_path, new_catalog(), raw)
    slow = prepare(settings)["run_id"]  # a staged run, prepared on the empty lake
    for stage in (land, parse, extract, build):
        stage(slow, settings)
    for name, text in extra_dumps().items():
        write_dump(raw, name, text)
    other = run_pipeline(settings)["run_id"]  # another run publishes meanwhile, with two more dumps
    published, hashes = current(settings), lake_hashes(settings)
    result = publish(slow, settings, results={"validate": validate(slow, settings)})
    record = read_last_run(settings.reports_dir)
    assert record is not None and record["run_id"] == slow
    assert record["stages"]["restart"] == {"count": 1, "overtaken_by": other}
    # Restarted on what the other run published: nothing is new, nothing of it is lost.
    assert result["unchanged"] is True
    assert (current(settings), lake_hashes(settings)) == (published, hashes)


# --- the DAG over the development corpus ----------------------------------------------------------


@pytest.mark.slow
def test_the_dag_builds_the_lake_from_the_corpus_equal_to_the_file_build(tmp_path: Path, new_catalog: Any) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for page in [*CORPUS_PAGES.glob("*.txt"), *BUNDLED_RAW.glob("*.txt")]:
        shutil.copyfile(page, raw / page.name)
        age(raw / page.name)
    catalog = new_catalog()
    home = tmp_path / "airflow"
    home.mkdir()
    env = airflow_env(home, STEPPE_RAW_DIR=str(raw), STEPPE_WAREHOUSE=str(tmp_path / "state" / "warehouse.duckdb"),
                      STEPPE_REPORTS_DIR=str(tmp_path / "reports"), **lake_env(tmp_path, catalog))
    subprocess.run([AIRFLOW, "db", "migrate"], env=env, check=True, capture_output=True)
    done = subprocess.run([AIRFLOW, "dags", "test", "steppe_pipeline"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert not (tmp_path / "state" / "warehouse.duckdb").exists()  # the lake, not a file, was published

    settings = lake_settings(tmp_path, catalog, raw)
    record = read_last_run(tmp_path / "reports")
    assert record is not None and record["status"] == "published"
    assert record["result"]["lake_snapshot"] == current(settings)

    file_settings = make_settings(tmp_path / "file", raw)
    run_pipeline(file_settings)
    file_hashes = table_hashes(file_settings.warehouse)
    assert lake_hashes(settings) == file_hashes
    assert record["result"]["mart_rows"]["articles"] > 150  # the corpus, not the seeds alone
