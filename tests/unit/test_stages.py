"""Parse and extract stages on a real DuckDB file: batched parsing, parallel extraction, incrementality."""

from __future__ import annotations

from pathlib import Path

import pytest

from steppe import stages
from steppe.landing import land_raw_dir
from steppe.parsing import parse_page
from steppe.warehouse import connect
from tests.conftest import BUNDLED_RAW


def seed_articles() -> list[stages.Todo]:
    out: list[stages.Todo] = []
    for path in sorted(BUNDLED_RAW.glob("*.txt")):
        page = parse_page(path.read_text(encoding="utf-8"))
        out += [(stages.content_hash(a.title, a.body), a.title, a.body, page.page_date) for a in page.articles]
    return out


def test_parallel_extraction_equals_sequential(monkeypatch: pytest.MonkeyPatch) -> None:
    todo = seed_articles()
    sequential = [stages.extract_article(item) for item in todo]
    monkeypatch.setattr(stages, "PARALLEL_MIN_ARTICLES", 2)
    monkeypatch.setattr(stages, "EXTRACT_CHUNK", 3)
    monkeypatch.setattr(stages.os, "cpu_count", lambda: 2)  # take the pool path on any machine
    assert list(stages._extract_all(todo)) == sequential


def test_parsing_in_batches_gives_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for n, path in enumerate(sorted(BUNDLED_RAW.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        for k in range(3):  # nine distinct dumps
            (raw / f"{n}-{k}.txt").write_text(text + "\n" * (k + 1))  # other bytes, same page
    rows = {}
    for batch in (500, 2):
        monkeypatch.setattr(stages, "PARSE_BATCH", batch)
        with connect(tmp_path / f"w{batch}.duckdb") as con:
            land_raw_dir(raw, con, settle_seconds=0)
            report = stages.parse_new_dumps(con)
            rows[batch] = con.execute(
                "select dump_id, position, title, content_hash, word_count from raw.page_articles order by all"
            ).fetchall()
            assert stages.parse_new_dumps(con).pages == 0  # nothing left to parse
        assert (report.pages, report.articles) == (9, 54)
    assert rows[500] == rows[2]


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
