"""Typed records the page parser produces (spec/EXTRACTION.md sections 1-2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FxQuote:
    """One ticker quote, with rate and change kept as the page prints them."""

    currency: str  # ISO 4217, e.g. "KZT"
    quote_currency: str  # "USD"
    rate: str  # digits as printed, e.g. "0.00196"
    change_pct: str  # as printed with the "%" removed and the sign kept: "0", "-0", "-0.42"
    position: int  # first-seen order on the page, from 1


@dataclass(frozen=True, slots=True)
class Listing:
    """The "Viewing results A - B of N" header of a listing page."""

    first: int
    last: int
    total: int | None  # None when the page prints no total ("Viewing results 1 - 6 of")


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    paragraphs: tuple[str, ...]
    subheadings: tuple[str, ...]  # own-line subheadings, in body order
    body: str  # paragraphs and own-line subheadings in page order, joined by blank lines
    is_truncated: bool
    inline_subheadings: tuple[str, ...] = ()
    dateline: str | None = None  # "BISHKEK (TCA) —" style opening of the first paragraph
    # Photo captions shown with the story (above its headline or between its paragraphs): neither title
    # nor body, but what they name is the story's (entities are extracted from them too).
    captions: tuple[str, ...] = ()

    @property
    def word_count(self) -> int:
        return len(self.body.split())


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """Something on the page the parser could not use; kept so the quality report can count it."""

    line_no: int
    kind: str  # e.g. "malformed_quote", "unknown_currency", "conflicting_quote"
    detail: str


@dataclass(frozen=True, slots=True)
class ParsedPage:
    page_date: dt.date | None
    listing: Listing | None
    quotes: tuple[FxQuote, ...]
    articles: tuple[Article, ...]
    issues: tuple[ParseIssue, ...] = field(default=())

    @property
    def is_recognisable(self) -> bool:
        """A page dump shows at least a ticker, a page date or a listing header."""
        return bool(self.quotes) or self.page_date is not None or self.listing is not None
