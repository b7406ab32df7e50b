"""Incremental dbt builds: run by run, the article models recompute only what changed, and what
they hold always equals a full refresh of the same data. Real pipeline runs, real dbt."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from steppe.config import PROJECT_ROOT, Settings
from steppe.integrations import dbt
from steppe.integrations.dbt import dbt_build, project_digest
from steppe.pipeline import run_pipeline
from steppe.warehouse import connect
from tests.conftest import SEED_TEXT, copy_of, extra_dumps, make_settings, query, table_hashes, write_dump

pytestmark = pytest.mark.slow

INCREMENTAL = ("intermediate.int_article_versions", "intermediate.int_articles__deduplicated", "marts.articles")
MARTS = ("marts.articles", "marts.entities", "marts.article_entities", "marts.trade_figures", "marts.fx_daily")
# Incremental too, keyed by article (the checked and resolved rows), by dump (FX quotes) or by entity.
INCREMENTAL_BY_STATE = (
    "intermediate.int_entity_mentions__checked", "intermediate.int_trade_figures__checked",
    "intermediate.int_fx_quotes__checked", "intermediate.int_entity_mentions__resolved",
    "intermediate.int_entities__fingerprints",
)
HASHED = INCREMENTAL + INCREMENTAL_BY_STATE + MARTS[1:]  # the incremental models and every mart


def full_refresh_of(db: Path, root: Path) -> Path:
    """A copy of the warehouse with every model rebuilt from scratch."""
    copy = copy_of(db, root)
    report = dbt_build(copy, root / "dbt", full_refresh=True)
    assert report.full_refresh and not report.failures
    return copy


@pytest.fixture(scope="module")
def built_run_by_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[dict[str, object]]]:
    """The seed dumps and two variants (a later day with a retitled article, a rescrape where one
    article reads differently), landed one dump per run."""
    root = tmp_path_factory.mktemp("run_by_run")
    settings = make_settings(root)
    results = []
    dumps = [(f"{name}.txt", text) for name, text in SEED_TEXT.items()] + list(extra_dumps().items())
    for name, text in dumps:
        write_dump(settings.raw_dir, name, text)
        results.append(run_pipeline(settings))
    return settings, results


def test_only_the_first_build_is_a_full_refresh(built_run_by_run: tuple[Settings, list[dict[str, object]]]) -> None:
    _, results = built_run_by_run
    assert [r["build"]["full_refresh"] for r in results] == [True] + [False] * (len(results) - 1)  # type: ignore[index]
    assert all(r["land"]["landed"] == 1 for r in results)  # type: ignore[index]


def test_incremental_builds_equal_a_full_refresh(
    built_run_by_run: tuple[Settings, list[dict[str, object]]], tmp_path: Path
) -> None:
    settings, _ = built_run_by_run
    incremental = table_hashes(settings.warehouse, HASHED)
    assert table_hashes(full_refresh_of(settings.warehouse, tmp_path / "full"), HASHED) == incremental


def test_an_article_gone_after_parsing_again_leaves_every_table(
    built_run_by_run: tuple[Settings, list[dict[str, object]]], tmp_path: Path
) -> None:
    # A parser change can make an article vanish: its dumps are parsed again and it is not there.
    settings, _ = built_run_by_run
    db = copy_of(settings.warehouse, tmp_path / "work")
    with connect(db) as con:
        gone = con.execute("select article_id from marts.articles order by dump_count desc, article_id limit 1").fetchone()
        assert gone is not None
        dumps = [r[0] for r in con.execute(
            "select distinct dump_id from raw.page_articles where article_id = ?", [gone[0]]).fetchall()]
        assert len(dumps) >= 2
        con.execute("update raw.pages set parsed_at = now() where dump_id in (select unnest(?::varchar[]))", [dumps])
        con.execute("delete from raw.page_articles where article_id = ?", [gone[0]])

    report = dbt_build(db, tmp_path / "dbt")
    assert not report.full_refresh
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in INCREMENTAL:
            assert con.execute(f"select count(*) from {table} where article_id = ?", [gone[0]]).fetchone() == (0,)
    finally:
        con.close()
    assert table_hashes(db, HASHED) == table_hashes(full_refresh_of(db, tmp_path / "full"), HASHED)


def test_a_changed_dbt_project_rebuilds_in_full(
    built_run_by_run: tuple[Settings, list[dict[str, object]]], tmp_path: Path
) -> None:
    settings, _ = built_run_by_run
    db = copy_of(settings.warehouse, tmp_path / "work")
    assert not dbt_build(db, tmp_path / "dbt").full_refresh  # built by this very project

    with connect(db) as con:  # as if an older version of the project had built it
        con.execute("update audit.dbt_builds set project_digest = 'an older project'")
    assert dbt_build(db, tmp_path / "dbt").full_refresh
    with connect(db) as con:
        assert con.execute(
            "select project_digest, full_refresh from audit.dbt_builds order by built_at desc limit 1"
        ).fetchone() == (project_digest(), True)


def test_the_memory_limit_is_set_for_a_build_only_when_one_is_given(
    built_run_by_run: tuple[Settings, list[dict[str, object]]], tmp_path: Path
) -> None:
    """STEPPE_DUCKDB_MEMORY_LIMIT reaches dbt as a var, set once at the start of the build; without it
    nothing is set and DuckDB keeps its own default, as every other connection of a run does."""
    settings, _ = built_run_by_run
    db = copy_of(settings.warehouse, tmp_path / "work")
    limited = dbt_build(db, tmp_path / "limited", memory_limit="700MB")
    assert "set memory_limit = '700MB'" in Path(limited.log).read_text(encoding="utf-8")
    assert not limited.full_refresh  # a var, not a change of the project
    unlimited = dbt_build(db, tmp_path / "unlimited")
    assert "set memory_limit" not in Path(unlimited.log).read_text(encoding="utf-8")


def test_the_docs_step_keeps_the_builds_memory_limit(
    built_run_by_run: tuple[Settings, list[dict[str, object]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dbt docs generate` runs no start-of-run hook: it runs in the build's DuckDB instance, which has the
    limit the hook set, and that instance is closed when the build returns."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    settings, _ = built_run_by_run
    db = copy_of(settings.warehouse, tmp_path / "work")
    limits_seen_by_docs: list[str] = []
    write_docs_page = dbt._write_docs_page

    def write_and_read_the_limit(*args: object, **kwargs: object) -> Path:
        page = write_docs_page(*args, **kwargs)  # type: ignore[arg-type]
        env = DuckDBConnectionManager._ENV
        assert env is not None, "the docs step closed the build's DuckDB instance"
        limits_seen_by_docs.append(env.conn.execute("select current_setting('memory_limit')").fetchone()[0])
        return page

    monkeypatch.setattr(dbt, "_write_docs_page", write_and_read_the_limit)
    report = dbt_build(db, tmp_path / "limited", memory_limit="700MB", docs_page=tmp_path / "docs.html")
    assert report.docs_page and report.docs_error is None
    with duckdb.connect(config={"memory_limit": "700MB"}) as expected:
        assert limits_seen_by_docs == [expected.execute("select current_setting('memory_limit')").fetchone()[0]]
    assert DuckDBConnectionManager._ENV is None  # released: the file can be published


def test_project_digest_follows_models_macros_and_settings_not_data_tests(tmp_path: Path) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(PROJECT_ROOT / "dbt_project", project,
                    ignore=shutil.ignore_patterns("target", "logs"))
    before = project_digest(project)
    (project / "tests" / "assert_something_new.sql").write_text("select 1 where false\n")
    assert project_digest(project) == before
    model = project / "models" / "marts" / "articles.sql"
    model.write_text(model.read_text() + "\n-- a changed model\n")
    assert project_digest(project) != before


def test_dbt_parses_the_project_once_per_warehouse(built_run_by_run: tuple[Settings, list[dict[str, object]]]) -> None:
    # Each run builds its own working copy; the profile names it relative to the working
    # directory, so later runs reuse dbt's saved parse instead of parsing the project again.
    settings, results = built_run_by_run
    log = (settings.state_dir / "dbt" / "logs" / "dbt.log").read_text()
    assert log.count("Unable to do partial parsing") == 1  # the warehouse's first build only
    # Every later dbt command (the build, then its docs page) reuses the saved parse.
    assert log.count("Partial parsing enabled:") >= len(results) - 1


def _mention(con: duckdb.DuckDBPyConnection, content_hash: str, name: str) -> None:
    """A PERSON mention added to one article content, as if it had been extracted again now."""
    position = con.execute("select coalesce(max(position), 0) + 1000 from raw.entity_mentions where content_hash = ?",
                           [content_hash]).fetchone()
    assert position is not None
    con.execute("insert into raw.entity_mentions (content_hash, position, entity_type, name, country_code, aliases,"
                " mention_count) values (?, ?, 'PERSON', ?, null, [], 1)", [content_hash, position[0], name])
    con.execute("update raw.article_extractions set extracted_at = now() where content_hash = ?", [content_hash])


def test_a_later_article_re_points_an_earlier_articles_mentions(
    built_run_by_run: tuple[Settings, list[dict[str, object]]], tmp_path: Path
) -> None:
    # Entity resolution is global: a surname alone joins the one full name that carries it, even when
    # the full name comes in a later build, from another article that the earlier one never changed.
    settings, _ = built_run_by_run
    db = copy_of(settings.warehouse, tmp_path / "work")
    with connect(db) as con:
        first, second = con.execute(
            "select article_id, content_hash from marts.articles order by article_id limit 2").fetchall()
        _mention(con, first[1], "Zhaksylykov")
    assert not dbt_build(db, tmp_path / "dbt").full_refresh
    surname = "left(md5('PERSON:zhaksylykov'), 16)"
    full_name = "left(md5('PERSON:yerlan zhaksylykov'), 16)"
    for table in ("marts.article_entities", "marts.entities"):
        assert query(db, f"select count(*) from {table} where entity_id = {surname}") == [(1,)]
    assert table_hashes(db, HASHED) == table_hashes(full_refresh_of(db, tmp_path / "full1"), HASHED)

    with connect(db) as con:
        _mention(con, second[1], "Yerlan Zhaksylykov")
    assert not dbt_build(db, tmp_path / "dbt").full_refresh
    assert query(db, f"select count(*) from marts.entities where entity_id = {surname}") == [(0,)]
    assert query(db, f"select article_id from marts.article_entities where entity_id = {full_name} order by 1") == \
        sorted([(first[0],), (second[0],)])
    assert query(db, f"select article_count, aliases from marts.entities where entity_id = {full_name}") == \
        [(2, ["Zhaksylykov"])]
    assert table_hashes(db, HASHED) == table_hashes(full_refresh_of(db, tmp_path / "full2"), HASHED)

    # And back: the full name's article is extracted again without it; the surname stands alone again.
    with connect(db) as con:
        con.execute("delete from raw.entity_mentions where content_hash = ? and name = 'Yerlan Zhaksylykov'",
                    [second[1]])
        con.execute("update raw.article_extractions set extracted_at = now() where content_hash = ?", [second[1]])
    assert not dbt_build(db, tmp_path / "dbt").full_refresh
    assert query(db, f"select count(*) from marts.entities where entity_id in ({surname}, {full_name})") == [(1,)]
    assert table_hashes(db, HASHED) == table_hashes(full_refresh_of(db, tmp_path / "full3"), HASHED)
