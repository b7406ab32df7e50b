"""The three real dumps bundled in data/raw parse exactly as their hand labels say."""

from __future__ import annotations

import json

import pytest

from steppe.parsing import parse_page
from tests.conftest import BUNDLED_RAW, GOLD, SEED_NAMES


def norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_page_matches_gold(name: str) -> None:
    gold = json.loads((GOLD / "seeds" / f"{name}.json").read_text(encoding="utf-8"))
    parsed = parse_page((BUNDLED_RAW / f"{name}.txt").read_text(encoding="utf-8"))

    assert str(parsed.page_date) == gold["dump_date"]
    listing = None if parsed.listing is None else {"first": parsed.listing.first, "last": parsed.listing.last,
                                                   "total": parsed.listing.total}
    assert listing == gold["listing"]
    assert [
        {"currency": q.currency, "quote": q.quote_currency, "rate": q.rate, "change_pct": q.change_pct}
        for q in parsed.quotes
    ] == gold["fx"]

    assert [a.title for a in parsed.articles] == [g["title"] for g in gold["articles"]]
    for article, expected in zip(parsed.articles, gold["articles"], strict=True):
        words = norm("\n".join(article.paragraphs)).split()
        assert " ".join(words[:8]) == norm(expected["first_words"])
        assert " ".join(words[-8:]) == norm(expected["last_words"])
        assert len(article.paragraphs) == expected["paragraphs"]
        assert list(article.subheadings) == expected["subheadings"]
        assert list(article.inline_subheadings) == expected.get("inline_subheadings", [])
        assert article.is_truncated == expected["truncated"]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_header_only_parse_reads_the_same_header_without_articles(name: str) -> None:
    text = (BUNDLED_RAW / f"{name}.txt").read_text(encoding="utf-8")
    full, header = parse_page(text), parse_page(text, with_articles=False)
    assert header.articles == () and full.articles
    assert (header.page_date, header.listing, header.quotes, header.issues) == (
        full.page_date, full.listing, full.quotes, full.issues
    )
