"""Ticker lines, page date lines and listing headers (spec/EXTRACTION.md section 1)."""

from __future__ import annotations

import datetime as dt

import pytest

from steppe.parsing.header import parse_date_line, parse_listing_line, parse_quote_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  • KGS/USD = 0.01144 0%", ("KGS", "USD", "0.01144", "0")),
        ("• KZT/USD = 0.00196 -0%", ("KZT", "USD", "0.00196", "-0")),
        ("  • TJS/USD = 0.10820 0.19%", ("TJS", "USD", "0.10820", "0.19")),
        ("• TMT/USD = 0.28490 -0.42%", ("TMT", "USD", "0.28490", "-0.42")),
        ("UZS / USD = 0.00008  +0.5 %", ("UZS", "USD", "0.00008", "0.5")),
        ("• KGS/USD = 0.01144 −0.10%", ("KGS", "USD", "0.01144", "-0.10")),  # typographic minus
    ],
)
def test_quote_lines_keep_digits_and_sign_as_printed(line: str, expected: tuple[str, ...]) -> None:
    assert parse_quote_line(line) == expected


@pytest.mark.parametrize("line", ["• KGS/USD = 0.01.144 0%", "• KGS/USD = 0.0114", "KGS/USD = abc 0%", "Kazakh tenge"])
def test_damaged_or_other_lines_are_not_quotes(line: str) -> None:
    assert parse_quote_line(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("08 December 2025", dt.date(2025, 12, 8)),
        ("14 December 2024 ", dt.date(2024, 12, 14)),
        ("December 8, 2025", dt.date(2025, 12, 8)),
        ("Monday, 08 December 2025", dt.date(2025, 12, 8)),
        ("8 Dec 2025", dt.date(2025, 12, 8)),
        ("2025-12-08", dt.date(2025, 12, 8)),
        ("08.12.2025", dt.date(2025, 12, 8)),
    ],
)
def test_date_lines(line: str, expected: dt.date) -> None:
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Baikonur Launch to ISS Scheduled for Saturday 23rd March",
        "On December 8, 2025 the ministry said",
        "31 February 2025",
        "Viewing results 1 - 6 of 53",
    ],
)
def test_headlines_and_impossible_dates_are_not_page_dates(line: str) -> None:
    assert parse_date_line(line) is None


def test_listing_header() -> None:
    listing = parse_listing_line("Viewing results 7 - 12 of 53")
    assert listing is not None
    assert (listing.first, listing.last, listing.total) == (7, 12, 53)
    assert parse_listing_line("Viewing results of the vote") is None
