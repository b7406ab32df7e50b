"""Parse one page dump into its ticker quotes, page date, listing header and articles."""

from __future__ import annotations

import datetime as dt

from steppe import budget
from steppe.parsing.articles import clean_line, is_furniture, names_a_country, segment_articles
from steppe.parsing.header import (
    is_iso_currency,
    is_quote_like,
    parse_date_line,
    parse_listing_line,
    parse_quote_line,
)
from steppe.parsing.model import Article, FxQuote, Listing, ParsedPage, ParseIssue

__all__ = ["Article", "FxQuote", "Listing", "ParsedPage", "ParseIssue", "parse_page", "PARSER_VERSION", "warm_up"]

# Bump when parsing output changes: stored pages parsed by an older version are parsed again.
PARSER_VERSION = "7"


def warm_up() -> None:
    """Load the reference tables parsing reads lazily (ISO currencies, country names), so that a
    time budget measures the page's own work, not a one-off load."""
    is_iso_currency("USD")
    names_a_country("Kazakhstan")


def parse_page(text: str, *, with_articles: bool = True) -> ParsedPage:
    """Parse a decoded dump (any line endings); with_articles=False reads only the ticker and header."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quotes: dict[str, FxQuote] = {}
    issues: list[ParseIssue] = []
    page_date: dt.date | None = None
    listing: Listing | None = None
    body_lines: list[str] = []
    in_header = True

    for line_no, line in enumerate(lines, start=1):
        budget.check()  # cooperative: a page under a time budget (steppe.budget) stops here when over it
        # Ticker lines are never article text, wherever they stand.
        if is_quote_like(line):
            _take_quote(line, line_no, quotes, issues)
            continue
        stripped = clean_line(line)
        if in_header:
            if page_date is None and (date := parse_date_line(stripped)) is not None:
                page_date = date
                continue
            if listing is None and (found := parse_listing_line(stripped)) is not None:
                listing = found
                continue
            if not stripped or is_furniture(stripped):
                continue
            in_header = False
        body_lines.append(line)

    return ParsedPage(
        page_date=page_date,
        listing=listing,
        quotes=tuple(quotes.values()),
        articles=tuple(segment_articles(body_lines, excerpts=listing is not None)) if with_articles else (),
        issues=tuple(issues),
    )


def _take_quote(line: str, line_no: int, quotes: dict[str, FxQuote], issues: list[ParseIssue]) -> None:
    parsed = parse_quote_line(line)
    if parsed is None:
        issues.append(ParseIssue(line_no, "malformed_quote", f"ticker line not understood: {line.strip()!r}"))
        return
    currency, quote_currency, rate, change = parsed
    if not (is_iso_currency(currency) and is_iso_currency(quote_currency)):
        issues.append(ParseIssue(line_no, "unknown_currency", f"not an ISO 4217 pair: {currency}/{quote_currency}"))
        return
    seen = quotes.get(currency)
    if seen is None:
        quotes[currency] = FxQuote(currency, quote_currency, rate, change, position=len(quotes) + 1)
    elif (seen.rate, seen.change_pct, seen.quote_currency) != (rate, change, quote_currency):
        # The ticker repeats identically; a differing repeat is reported and the first kept.
        issues.append(
            ParseIssue(line_no, "conflicting_quote", f"{currency} repeated as {rate} {change}% (kept {seen.rate})")
        )
