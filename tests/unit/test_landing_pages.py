"""Landing accepts every real page, of any era or kind, and refuses only what cannot be a page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steppe.config import PROJECT_ROOT
from steppe.landing import MAX_DUMP_BYTES_ENV, RejectedDump, check_dump, land_raw_dir
from steppe.settings import Settings
from steppe.warehouse import connect
from tests.conftest import write_dump

CORPUS = PROJECT_ROOT / "data" / "corpus" / "pages"

TICKER = "".join(
    f"  • {code}/USD = {rate} {change}\n"
    for code, rate, change in [("KGS", "0.01144", "0%"), ("KZT", "0.00196", "-0.51%"), ("TJS", "0.10870", "+0.1%")]
)

# Pages written here in the shapes the site has had; none holds a ticker, a page date and a listing header.
OLD_ARTICLE_PAGE = """\
cheap flights cheap hotels cheap flights cheap hotels

Turkmenistan opens a new gas compressor station

  • Written by TCA

ASHGABAT (TCA) — A compressor station on the East-West pipeline started work this week, the state news agency said.

Read more: Turkmenistan opens a new gas compressor station
"""
TAG_PAGE = """\
Kazakhstan grain exports rise

ASTANA (TCA) — Kazakhstan exported more wheat in the first half of the year than in all of last year.

Continue reading

Kyrgyz parliament passes a media law

BISHKEK (TCA) — The law was passed in its third reading on Wednesday.
"""
AUTHOR_PAGE = """\
Our People > Aida Sultanova

Aida Sultanova's Avatar

Aida writes on energy and water in Central Asia.

Articles

Water talks resume in Tashkent
"""
CAPTION_FIRST = '[caption id="attachment_1" align="alignnone" width="800"] A dam on the Naryn river [/caption]\n\nText.\n'
BRACE_FIRST = "{Updated} Uzbekistan lifts a ban on car imports\n\nTASHKENT (TCA) — The ban ends next month.\n"
STRAY_CONTROLS = "A title with a stray \x08 backspace\n\nA body of words \x1b that the scraper kept.\n"


@pytest.mark.parametrize(
    "text",
    [
        OLD_ARTICLE_PAGE,
        TAG_PAGE,
        AUTHOR_PAGE,
        TICKER + "\nA page with a ticker and no date\n\nIts body.\n",
        "08 August 2017\n",
        "Viewing results 1 - 6 of 53\n",
        "Times of Central Asia\n",
        CAPTION_FIRST,
        BRACE_FIRST,
        STRAY_CONTROLS,
        "Why <html> tags show in a title\n\nA body.\n",
        "<Headline> Kazakhstan grain exports rise\n\nA body.\n",
        "Ещё одна страница на русском\n",
    ],
    ids=lambda text: text[:24],
)
def test_a_page_of_any_kind_passes_the_check(text: str) -> None:
    check_dump(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("  \n\t\u00a0\u2003\n", "only white space"),
        ("<!DOCTYPE html>\n<html><body>502</body></html>\n", "an HTML document"),
        ("\n  <HTML lang='en'><head></head></HTML>", "an HTML document"),
        ("<body>\n<p>Kazakhstan grain exports rise</p>\n</body>\n", "an HTML document"),
        ('<?xml version="1.0"?>\n<rss><channel/></rss>\n', "an XML document"),
        ("%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\n", "a PDF document"),
        ('{"title": "Kazakhstan grain exports rise", "body": "Astana"}', "a JSON document"),
        ('[{"url": "https://timesca.com/a"}]\n', "a JSON document"),
        ("12 345\n-- 678 --\n2025 / 12 / 08\n", "no words"),
        ("• • •\n1.\n2.\n", "no words"),
        ("Words here\n" + "\x01\x02\x03\x04" * 20, "binary content, not text: 80 control characters"),
        (TICKER + "  • UZS/USD = 0.0", "cut off inside the FX ticker"),
    ],
)
def test_what_cannot_be_a_page_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(RejectedDump, match=reason):
        check_dump(text)


def test_a_ticker_cut_off_with_a_date_after_it_is_not_taken_for_a_cut_ticker() -> None:
    check_dump(TICKER + "  • UZS/USD = 0.0\n08 December 2025\n\nA title\n\nA body.\n")


def test_a_long_json_looking_page_that_is_not_json_passes() -> None:
    check_dump("[" * 100_000 + " Kazakhstan")  # not JSON (and too deep for it): judged as text, which it is


def test_every_real_page_of_the_corpus_lands(tmp_path: Path) -> None:
    pages = sorted(CORPUS.glob("*.txt"))
    assert len(pages) >= 150
    with connect(tmp_path / "w.duckdb") as con:
        report = land_raw_dir(CORPUS, con, settle_seconds=0)
        landed = con.execute("select count(*) from raw.dumps").fetchone()
    assert report.rejected == [] and report.deferrals == []
    assert sorted(report.landed + report.duplicates) == [p.name for p in pages]
    assert landed == (len(report.landed),)


def test_the_refusal_rules_hold_in_a_landed_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_DUMP_BYTES_ENV, "4096")
    raw = tmp_path / "raw"
    write_dump(raw, "old_article.txt", OLD_ARTICLE_PAGE)
    write_dump(raw, "tag.txt", TAG_PAGE)
    write_dump(raw, "author.txt", AUTHOR_PAGE)
    write_dump(raw, "empty.txt", b"")
    write_dump(raw, "binary.txt", b"GIF89a\x01\x00\x01\x00\x00\xff")
    write_dump(raw, "cp1252.txt", "Caf\u00e9 culture".encode("cp1252"))
    write_dump(raw, "feed.txt", json.dumps({"items": [1, 2]}))
    write_dump(raw, "large.txt", OLD_ARTICLE_PAGE * 20)
    with connect(tmp_path / "w.duckdb") as con:
        report = land_raw_dir(raw, con, max_dump_bytes=Settings.from_env().max_dump_bytes)
    assert report.landed == ["author.txt", "old_article.txt", "tag.txt"]
    reasons = dict(report.rejected)
    assert reasons["empty.txt"] == "empty file (0 bytes)"
    assert reasons["binary.txt"].startswith("binary file, not text: NUL byte at offset 7")
    assert reasons["cp1252.txt"].startswith("not UTF-8 text: byte 0xE9 at offset 3")
    assert reasons["feed.txt"] == "a JSON document, not a text page dump"
    assert reasons["large.txt"].startswith("too large for a page dump")
    assert len(reasons) == 5
