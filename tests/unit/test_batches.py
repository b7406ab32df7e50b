"""The fan-out of parse and extract (steppe.stages.batches through the store): plan, batches, merge.

Batched, the stages write exactly the rows the unbatched stages write; a new dump plans one batch of
one; an empty backlog plans none and its merge still records the stage; a merge whose plan has an
unfinished batch refuses and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from steppe.parsing import parse_page
from steppe.settings import DEFAULT_BATCH_SIZE, Settings
from steppe.stages import batches, stage
from steppe.stages import extract as extracting
from steppe.stages import parse as parsing
from steppe.store import Run, WarehouseStore
from tests.conftest import FIRST, make_settings, seed_raw, write_dump

PARSE, EXTRACT = stage("parse"), stage("extract")
STAMPS = {"parsed_at", "extracted_at", "run_id"}  # when and by which run: not what was computed


def raw_rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row parse and extract wrote, sorted, without the time and run stamps."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        out = {}
        for table in (*parsing.TABLES, *extracting.TABLES):
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema || '.' || table_name = ? "
                "order by ordinal_position", [table]).fetchall() if c not in STAMPS]
            out[table] = sorted(con.execute(f"select {', '.join(columns)} from {table}").fetchall(), key=repr)  # noqa: S608
        return out
    finally:
        con.close()


def landed_run(settings: Settings) -> Run:
    run = WarehouseStore(settings).prepare()
    run.execute(stage("land"))
    return run


def fan_out(run: Run, name: str) -> list[int]:
    """What the DAG does for one stage: plan, every batch (here one after the other), merge."""
    planned = run.plan(stage(name))
    for batch in planned:
        run.work_batch(stage(name), batch)
    run.merge(stage(name))
    return planned


def test_batched_parse_and_extract_write_the_rows_of_the_unbatched_stages(tmp_path: Path) -> None:
    raw = seed_raw(tmp_path / "raw")
    whole = landed_run(make_settings(tmp_path / "whole", raw))
    whole.execute(PARSE)
    whole.execute(EXTRACT)

    batched = landed_run(make_settings(tmp_path / "batched", raw).replace(batch_size=2))
    assert fan_out(batched, "parse") == [0, 1]  # 3 dumps
    articles = whole.results["extract"]["articles"]
    assert fan_out(batched, "extract") == list(range((articles + 1) // 2))

    expected = raw_rows(whole.paths.database)
    assert all(expected[table] for table in ("raw.pages", "raw.page_articles", "raw.entity_mentions"))
    assert raw_rows(batched.paths.database) == expected
    # The stage's report is the unbatched one, plus how many batches it took.
    assert batched.results["parse"] == {**whole.results["parse"], "batches": 2}
    for key in ("articles", "words", "entities", "figures"):
        assert batched.results["extract"][key] == whole.results["extract"][key]
    # Every merged row is stamped with the run, as the unbatched stage's rows are.
    con = duckdb.connect(str(batched.paths.database), read_only=True)
    try:
        assert con.execute("select distinct run_id from raw.pages").fetchall() == [(batched.run_id,)]
    finally:
        con.close()


def test_a_new_dump_plans_one_batch_of_one_and_an_empty_backlog_none(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    run = landed_run(settings)
    fan_out(run, "parse")
    fan_out(run, "extract")

    # Nothing new: no batch, and the merge still records the stage (the DAG's merge runs after a skip).
    assert run.plan(PARSE) == []
    assert run.merge(PARSE) == {"pages": 0, "articles": 0, "quotes": 0, "issues": 0, "pages_without_articles": 0,
                                "batches": 0}

    con = duckdb.connect(str(run.paths.database), read_only=True)
    known = {h for (h,) in con.execute("select content_hash from raw.page_articles").fetchall()}
    con.close()
    retitled = FIRST.replace("08 December 2025", "10 December 2025").replace("Kazakhstan", "Qazaqstan")
    write_dump(settings.raw_dir, "new.txt", retitled)
    assert run.execute(stage("land"))["landed"] == 1
    assert run.plan(PARSE) == [0]
    inputs = list((run.batch_folder(PARSE) / "0").glob(batches.INPUT_FILE))
    assert len(inputs) == 1 and len(batches.pq.read_table(inputs[0])) == 1  # the new dump alone
    run.work_batch(PARSE, 0)
    assert run.merge(PARSE)["pages"] == 1
    # Only the article contents not extracted yet are planned: one batch of those.
    assert run.plan(EXTRACT) == [0]
    planned = batches.pq.read_table(run.batch_folder(EXTRACT) / "0" / batches.INPUT_FILE)
    new = {parsing.content_hash(a.title, a.body, a.captions) for a in parse_page(retitled).articles} - known
    assert 0 < len(new) < len(parse_page(retitled).articles)
    assert set(planned.column("content_hash").to_pylist()) == new


def test_a_merge_with_an_unfinished_batch_refuses_and_writes_nothing(tmp_path: Path) -> None:
    run = landed_run(make_settings(tmp_path, seed_raw(tmp_path / "raw")).replace(batch_size=2))
    assert run.plan(PARSE) == [0, 1]
    run.work_batch(PARSE, 0)
    with pytest.raises(RuntimeError, match="batch 1 of parse has no output"):
        run.merge(PARSE)
    assert raw_rows(run.paths.database)["raw.pages"] == []
    run.work_batch(PARSE, 1)  # the retried batch: now the merge goes through
    assert run.merge(PARSE)["pages"] == 3


def test_the_batch_size_is_a_setting(tmp_path: Path) -> None:
    env = {"STEPPE_WAREHOUSE": str(tmp_path / "w.duckdb")}
    assert Settings.from_env(env).batch_size == DEFAULT_BATCH_SIZE
    assert Settings.from_env({**env, "STEPPE_BATCH_SIZE": "40"}).batch_size == 40
    assert Settings.from_env({**env, "STEPPE_BATCH_SIZE": "none"}).batch_size == DEFAULT_BATCH_SIZE
    assert Settings.from_env({**env, "STEPPE_BATCH_SIZE": "0.5"}).batch_size == 1


EXTRACTED_HERE: list[str] = []  # the content hashes extracted in this process (a forked pool's go to its copies)
EXTRACT_ARTICLE = extracting.extract_article


def recording_extract_article(item: extracting.Todo, budget_seconds: float) -> extracting.Extracted:
    """extract_article, noting the article where it ran (module-level: a pool pickles it by name)."""
    EXTRACTED_HERE.append(item[0])
    return EXTRACT_ARTICLE(item, budget_seconds)


def test_an_extract_batch_extracts_in_its_own_process_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch is already one of the fan-out's parallel tasks: it starts no pool of its own, even with more
    articles than the unbatched stage extracts in a pool (which would put two processes on each core)."""
    monkeypatch.setattr(extracting, "PARALLEL_MIN_ARTICLES", 2)
    monkeypatch.setattr("steppe.stages.extract.os.cpu_count", lambda: 2)  # the pool's conditions, on any machine
    monkeypatch.setattr(extracting, "extract_article", recording_extract_article)
    EXTRACTED_HERE.clear()
    run = landed_run(make_settings(tmp_path, seed_raw(tmp_path / "raw")))
    fan_out(run, "parse")
    assert fan_out(run, "extract") == [0]  # one batch of every article
    articles = run.results["extract"]["articles"]
    assert articles > extracting.PARALLEL_MIN_ARTICLES
    assert len(EXTRACTED_HERE) == articles

    # The unbatched stage's path with the same articles does use the pool: nothing is noted here.
    todo: list[extracting.Todo] = [(chash, "Title", "Body.", None, []) for chash in EXTRACTED_HERE]
    EXTRACTED_HERE.clear()
    assert len(list(extracting._extract_all(todo))) == articles
    assert EXTRACTED_HERE == []
