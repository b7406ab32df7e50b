"""Parse and extract stages on a real DuckDB file: batched parsing, parallel extraction, incrementality;
and the declared stage list."""

from __future__ import annotations

from pathlib import Path

import pytest

from steppe.landing import land_raw_dir
from steppe.parsing import parse_page
from steppe.settings import Settings
from steppe.stages import STAGES
from steppe.stages import extract as extracting
from steppe.stages import parse as parsing
from steppe.warehouse import connect
from tests.conftest import BUNDLED_RAW


class stages:  # noqa: N801  the functions these tests call, by the names they had in one module
    content_hash = staticmethod(parsing.content_hash)
    parse_new_dumps = staticmethod(parsing.parse_new_dumps)
    parse_within_budget = staticmethod(parsing.parse_within_budget)
    extract_new_articles = staticmethod(extracting.extract_new_articles)
    extract_article = staticmethod(extracting.extract_article)
    Todo = extracting.Todo
    MAX_EXTRACTED_CHARS = extracting.MAX_EXTRACTED_CHARS
    CUT_FOR_EXTRACTION = extracting.CUT_FOR_EXTRACTION


def budget() -> float:
    """The page budget as the edge reads it (STEPPE_PAGE_BUDGET_SECONDS), passed down to the stage."""
    return Settings.from_env().page_budget_seconds


def test_the_stage_list_is_declared_once_in_order() -> None:
    assert [s.name for s in STAGES] == ["land", "parse", "extract", "build", "validate"]
    assert [s.task_id for s in STAGES] == ["land", "parse", "extract", "dbt_build", "validate"]
    assert all(callable(s.function()) for s in STAGES)


def seed_articles() -> list[stages.Todo]:
    out: list[stages.Todo] = []
    for path in sorted(BUNDLED_RAW.glob("*.txt")):
        page = parse_page(path.read_text(encoding="utf-8"))
        out += [(stages.content_hash(a.title, a.body, a.captions), a.title, a.body, page.page_date, a.captions)
                for a in page.articles]
    return out


def test_parallel_extraction_equals_sequential(monkeypatch: pytest.MonkeyPatch) -> None:
    todo = seed_articles()
    sequential = [stages.extract_article(item) for item in todo]
    monkeypatch.setattr(extracting, "PARALLEL_MIN_ARTICLES", 2)
    monkeypatch.setattr(extracting, "EXTRACT_CHUNK", 3)
    monkeypatch.setattr("steppe.stages.extract.os.cpu_count", lambda: 2)  # take the pool path on any machine
    assert list(extracting._extract_all(todo)) == sequential


def test_parsing_in_batches_gives_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for n, path in enumerate(sorted(BUNDLED_RAW.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        for k in range(3):  # nine distinct dumps
            (raw / f"{n}-{k}.txt").write_text(text + "\n" * (k + 1))  # other bytes, same page
    rows = {}
    for batch in (500, 2):
        monkeypatch.setattr(parsing, "PARSE_BATCH", batch)
        with connect(tmp_path / f"w{batch}.duckdb") as con:
            land_raw_dir(raw, con, settle_seconds=0)
            report = stages.parse_new_dumps(con)
            rows[batch] = con.execute(
                "select dump_id, position, title, content_hash, word_count from raw.page_articles order by all"
            ).fetchall()
            assert stages.parse_new_dumps(con).pages == 0  # nothing left to parse
        assert (report.pages, report.articles) == (9, 54)
    assert rows[500] == rows[2]


def test_the_dumps_to_parse_come_batch_by_batch_each_once_with_its_text(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    text = next(iter(sorted(BUNDLED_RAW.glob("*.txt")))).read_text(encoding="utf-8")
    for k in range(7):
        (raw / f"d{k}.txt").write_text(text + "\n" * (k + 1))
    with connect(tmp_path / "w.duckdb") as con:
        land_raw_dir(raw, con, settle_seconds=0)
        landed = dict(con.execute("select dump_id, content from raw.dumps").fetchall())
        parsed, older = sorted(landed)[:2], sorted(landed)[2]
        page = "insert into raw.pages (dump_id, parser_version, quote_count, article_count, parsed_at) values (?, ?, 0, 0, now())"
        for dump_id in parsed:
            con.execute(page, [dump_id, parsing.PARSER_VERSION])
        con.execute(page, [older, "an older parser"])
        batches = list(parsing.dump_batches(con, 2))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    seen = [dump_id for batch in batches for dump_id, _ in batch]
    assert sorted(seen) == sorted(set(landed) - set(parsed))  # an older parser's dumps are parsed again
    assert all(content == landed[dump_id] for batch in batches for dump_id, content in batch)


def test_extraction_in_batches_gives_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts are read EXTRACT_BATCH at a time (memory bounded by the batch, not the backlog): same rows."""
    rows, reports = {}, {}
    for batch in (2_000, 4):
        monkeypatch.setattr(extracting, "EXTRACT_BATCH", batch)
        with connect(tmp_path / f"w{batch}.duckdb") as con:
            land_raw_dir(BUNDLED_RAW, con, settle_seconds=0)
            stages.parse_new_dumps(con)
            reports[batch] = stages.extract_new_articles(con)
            rows[batch] = [
                con.execute(f"select * exclude (extracted_at) from {table} order by all").fetchall()  # noqa: S608
                if table == "raw.article_extractions"
                else con.execute(f"select * from {table} order by all").fetchall()  # noqa: S608
                for table in extracting.TABLES
            ]
            assert stages.extract_new_articles(con).articles == 0  # nothing left
    assert reports[4].articles == reports[2_000].articles == 18
    assert (reports[4].entities, reports[4].figures) == (reports[2_000].entities, reports[2_000].figures)
    assert rows[4] == rows[2_000]


def test_the_articles_to_extract_come_batch_by_batch_each_content_once_with_its_text(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        land_raw_dir(BUNDLED_RAW, con, settle_seconds=0)
        stages.parse_new_dumps(con)
        texts = {row[0]: row[1:] for row in con.execute(
            "select content_hash, title, body, coalesce(captions, []) from raw.page_articles").fetchall()}
        batches = list(extracting.todo_batches(con, 5))
    assert [len(batch) for batch in batches] == [5, 5, 5, 3]  # 18 distinct contents in the seeds' pages
    todo = [item for batch in batches for item in batch]
    assert sorted(item[0] for item in todo) == sorted(texts)
    assert all((title, body, captions) == texts[chash] for chash, title, body, _, captions in todo)


def test_extraction_key_includes_the_page_date(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        land_raw_dir(BUNDLED_RAW, con, settle_seconds=0)
        stages.parse_new_dumps(con)
        first = stages.extract_new_articles(con)
        assert first.articles == 18 and stages.extract_new_articles(con).articles == 0
        # An older page date for one dump changes the evidence its articles are read with.
        con.execute("update raw.pages set page_date = page_date - 1 where dump_id = (select min(dump_id) from raw.pages)")
        assert stages.extract_new_articles(con).articles == 6
        assert con.execute("select count(*) from raw.article_extractions").fetchone() == (18,)


HOSTILE_PAGE = "08 December 2025\n\nKazakh Grain Exports Grow\n\n" + "Grain left by rail.\n" * 60_000


def test_a_page_over_its_time_budget_is_recorded_once_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "hostile.txt").write_text(HOSTILE_PAGE, encoding="utf-8")
    (raw / "seed.txt").write_text((BUNDLED_RAW / f"{sorted(p.stem for p in BUNDLED_RAW.glob('*.txt'))[0]}.txt")
                                  .read_text(encoding="utf-8"), encoding="utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        land_raw_dir(raw, con, settle_seconds=0)
        monkeypatch.setenv("STEPPE_PAGE_BUDGET_SECONDS", "0.05")
        report = stages.parse_new_dumps(con, budget_seconds=budget())
        assert (report.pages, report.articles) == (2, 6)  # the seed page parsed in full beside it
        hostile = con.execute(
            "select p.dump_id, p.article_count, p.page_date, i.kind, i.detail from raw.pages p "
            "join raw.parse_issues i using (dump_id)"
        ).fetchall()
        assert len(hostile) == 1
        _, article_count, page_date, kind, detail = hostile[0]
        assert (article_count, page_date, kind) == (0, None, "over_time_budget")
        assert "0.05 s" in detail and "STEPPE_PAGE_BUDGET_SECONDS" in detail
        assert stages.parse_new_dumps(con, budget_seconds=budget()).pages == 0  # same parser version: never again
    monkeypatch.delenv("STEPPE_PAGE_BUDGET_SECONDS")
    assert len(stages.parse_within_budget(HOSTILE_PAGE, budget()).articles) == 1  # within the default budget it parses


def test_an_article_over_its_time_budget_gets_no_rows_and_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_body = " ".join(
        f"Kazakhstan exported {n} million tons of grain to China and Uzbekistan in 2024." for n in range(3000)
    )
    monkeypatch.setenv("STEPPE_PAGE_BUDGET_SECONDS", "0.01")
    chash, mentions, figures, issue = stages.extract_article(("h1", "Kazakh Grain Exports", long_body, None, ()),
                                                             budget())
    assert (chash, mentions, figures) == ("h1", [], [])
    assert issue is not None and issue.startswith("over_time_budget") and "0.01 s" in issue
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "long.txt").write_text(f"08 December 2025\n\nKazakh Grain Exports\n\n{long_body}\n", encoding="utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        land_raw_dir(raw, con, settle_seconds=0)
        monkeypatch.setenv("STEPPE_PAGE_BUDGET_SECONDS", "30")
        assert stages.parse_new_dumps(con, budget_seconds=budget()).articles == 1
        monkeypatch.setenv("STEPPE_PAGE_BUDGET_SECONDS", "0.01")
        report = stages.extract_new_articles(con, budget_seconds=budget())
        assert (report.articles, report.entities, report.figures) == (1, 0, 0)
        [(recorded,)] = con.execute("select issue from raw.article_extractions").fetchall()
        assert recorded.startswith("over_time_budget")
        assert stages.extract_new_articles(con, budget_seconds=budget()).articles == 0  # done for this version


def test_a_captions_entities_are_extracted_with_its_story_and_change_its_content_hash() -> None:
    caption = "Economy Minister Jane Roe signs the agreement (Economy Ministry photo)"
    body = "BISHKEK (TCA) — The agreement was signed in Bishkek on Friday."
    _, mentions, figures, issue = stages.extract_article(("h1", "Loan Agreement Signed", body, None, (caption,)))
    assert issue is None
    assert ("PERSON", "Jane Roe") in {(m["entity_type"], m["name"]) for m in mentions}
    assert stages.content_hash("T", body) != stages.content_hash("T", body, (caption,))
    assert stages.content_hash("T", body, ()) == stages.content_hash("T", body)


def test_a_flood_of_text_is_extracted_from_its_start_only_and_says_so() -> None:
    sentence = "Kazakhstan exported 1 million tons of wheat to China in 2023. "
    flood = sentence * (stages.MAX_EXTRACTED_CHARS // len(sentence) * 3)
    chash, mentions, figures, issue = stages.extract_article(("h2", "Grain Flood", flood, None, ()))
    assert issue is not None and issue.startswith(stages.CUT_FOR_EXTRACTION)
    assert f"{len(flood):,}" in issue
    per_sentence = len(figures) / (stages.MAX_EXTRACTED_CHARS / len(sentence))
    assert 0.9 <= per_sentence <= 1.1  # figures of the first 50,000 characters, about one per sentence
    assert {m["name"] for m in mentions} >= {"Kazakhstan", "China"}
