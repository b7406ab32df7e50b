"""The benchmark's synthetic dump generator (steppe_bench.generator): deterministic, realistic, parseable."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from steppe.parsing import parse_page
from steppe_bench.generator import PAGE_SIZE, DumpGenerator, GeneratedDump, load_seed_pool, write_dumps

N = 300
YEAR_RE = re.compile(r"\b(?:18|19|20)\d\d\b")


@pytest.fixture(scope="module")
def generated() -> tuple[DumpGenerator, list[GeneratedDump]]:
    gen = DumpGenerator(seed=11)
    return gen, list(gen.dumps(N))


def test_seed_pool_comes_from_the_real_dumps() -> None:
    pool = load_seed_pool()
    assert len(pool.articles) == 18
    assert [q[0] for q in pool.quotes] == ["KGS", "KZT", "TJS", "UZS", "TMT"]
    assert 14_000 < pool.bytes_per_dump < 20_000


def test_same_seed_same_dumps_other_seed_other_dumps() -> None:
    a = [d.text for d in DumpGenerator(seed=3).dumps(25)]
    b = [d.text for d in DumpGenerator(seed=3).dumps(25)]
    c = [d.text for d in DumpGenerator(seed=4).dumps(25)]
    assert a == b
    assert a != c
    assert [d.name for d in DumpGenerator(seed=3).dumps(3)] == ["000000_0003.txt", "000001_0003.txt", "000002_0003.txt"]


def test_the_stream_is_sequential_so_dump_n_is_one_new_dump(generated: tuple[DumpGenerator, list[GeneratedDump]]) -> None:
    _, dumps = generated
    again = DumpGenerator(seed=11)
    first = [d.text for d in again.dumps(40)]
    assert first == [d.text for d in dumps[:40]]
    assert again.next_dump().text == dumps[40].text


def test_each_article_appears_in_about_six_dumps(generated: tuple[DumpGenerator, list[GeneratedDump]]) -> None:
    _, dumps = generated
    appearances = Counter(i for d in dumps for i in d.article_ids)
    assert all(len(d.article_ids) == PAGE_SIZE for d in dumps)
    assert 5.5 <= sum(appearances.values()) / len(appearances) <= 6.5
    # a sliding listing: consecutive articles, newest first, and the window only moves forward
    for d in dumps:
        assert list(d.article_ids) == list(range(d.article_ids[0], d.article_ids[0] - PAGE_SIZE, -1))
    starts = [d.article_ids[-1] for d in dumps]
    assert starts == sorted(starts)


def test_every_dump_parses_into_its_articles_and_five_quotes(
    generated: tuple[DumpGenerator, list[GeneratedDump]],
) -> None:
    gen, dumps = generated
    listings = 0
    for d in dumps:
        page = parse_page(d.text)
        assert page.page_date == d.page_date
        assert page.issues == ()
        assert [(q.currency, q.quote_currency, q.rate, q.change_pct) for q in page.quotes] == list(d.quotes)
        assert len(page.quotes) == 5
        assert len(page.articles) == PAGE_SIZE
        assert [a.title for a in page.articles] == [gen.article(i).title for i in d.article_ids]
        assert [a.body for a in page.articles] == [gen.article(i).body for i in d.article_ids]
        if d.listing:
            listings += 1
            assert page.listing is not None
            assert (page.listing.first, page.listing.last, page.listing.total) == d.listing
        else:
            assert page.listing is None
    assert 0 < listings < len(dumps)


def test_distinct_articles_have_distinct_titles_and_vary_the_seeds() -> None:
    gen = DumpGenerator(seed=5)
    articles = [gen.article(i) for i in range(1500)]
    titles = [a.title.casefold() for a in articles]
    assert len(set(titles)) == len(titles)
    assert len({a.body for a in articles}) > 0.9 * len(articles)
    # every seed article is used, evenly
    per_seed = Counter(a.seed for a in articles)
    assert len(per_seed) == 18 and max(per_seed.values()) - min(per_seed.values()) <= 1
    # names, places and numbers vary; years do not
    seeds = load_seed_pool().articles
    for a in articles[:200]:
        assert set(YEAR_RE.findall(a.body)) <= set(YEAR_RE.findall("\n\n".join(seeds[a.seed].paragraphs)))
    variants = [a for a in articles if a.seed == 0]  # "China the Largest Market for Kazakhstan’s ..."
    assert len({a.body.split(".")[0] for a in variants}) > 20  # the first sentence names a minister
    numbers = {a.body.split("increased by ")[1].split("%")[0] for a in variants if "increased by " in a.body}
    assert len(numbers) > 10


def test_pages_look_like_the_seeds(generated: tuple[DumpGenerator, list[GeneratedDump]]) -> None:
    _, dumps = generated
    sizes = [len(d.text.encode()) for d in dumps]
    assert 12_000 < sum(sizes) / len(sizes) < 22_000
    assert len({d.text for d in dumps}) == len(dumps)  # every dump is new content
    dates = [d.page_date for d in dumps]
    assert dates == sorted(dates) and dates[-1] > dates[0]
    first_lines = dumps[0].text.split("\n")
    assert first_lines[0].startswith("• KGS/USD = ") and first_lines[1].startswith("  • KZT/USD = ")
    assert sum(line.lstrip().startswith("•") for line in first_lines) == 40
    # rates drift but stay positive and near the seeds'
    kzt = {q[2] for d in dumps for q in d.quotes if q[0] == "KZT"}
    assert len(kzt) > 3
    assert all(0 < float(r) < 0.01 for r in kzt)


def test_write_dumps_writes_settled_files(tmp_path: Path) -> None:
    report = write_dumps(tmp_path / "raw", 12, seed=2)
    files = sorted((tmp_path / "raw").glob("*.txt"))
    assert len(files) == report.dumps == 12
    assert report.bytes == sum(f.stat().st_size for f in files)
    assert report.distinct_articles == len({i for d in DumpGenerator(seed=2).dumps(12) for i in d.article_ids})
    assert all(time.time() - f.stat().st_mtime > 60 for f in files)  # landing takes them at once
    assert files[0].read_text(encoding="utf-8") == DumpGenerator(seed=2).next_dump().text


def test_the_pool_reports_its_prefixes_as_write_dumps_reports_them(tmp_path: Path) -> None:
    from steppe_bench.pool import generate_pool, size_folder

    seen: list[tuple[str, int]] = []
    report = write_dumps(tmp_path / "direct", 12, seed=2, on_dump=lambda d, path, size: seen.append((path.name, size)))
    assert seen == [(f.name, f.stat().st_size) for f in sorted((tmp_path / "direct").glob("*.txt"))]
    pool = generate_pool(tmp_path / "pool", 13, seed=2)
    assert [f.name for f in pool.files[:12]] == [name for name, _ in seen]
    info = size_folder(pool, tmp_path / "raw", 12)
    assert list(info) == ["dumps", "bytes", "mb", "kb_per_dump", "distinct_articles", "article_words",
                          "mean_appearances"]
    assert info == {k: v for k, v in report.as_dict().items() if k in info}
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == [name for name, _ in seen]


def test_the_bench_times_every_pipeline_stage() -> None:
    from steppe.stages import STAGES
    from steppe_bench.pipeline_calls import STAGE_NAMES

    assert STAGE_NAMES == ("prepare", "land", "parse", "extract", "dbt_build", "gx_validate", "publish")
    assert len(STAGE_NAMES) == len(STAGES) + 2  # every declared stage, between prepare and publish
