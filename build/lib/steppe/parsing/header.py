"""The page header: FX ticker lines, the page date line and the listing header."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from dateutil import parser as date_parser  # type: ignore[import-untyped]

from steppe.parsing.model import Listing

# "• KGS/USD = 0.01144 0%", any bullet, spacing or sign.
# Possessive quantifiers: white space around the optional bullet can be split only one way, so a
# long run of spaces costs linear time, never quadratic.
QUOTE_RE = re.compile(
    r"""^\s*+[•·*\-–]?\s*+
    (?P<currency>[A-Za-z]{3})\s*+/\s*+(?P<quote>[A-Za-z]{3})\s*+=\s*+
    (?P<rate>\d++(?:\.\d++)?)\s++
    (?:[▲▼↑↓△▽]\s*+)?                       # some tickers draw the direction too
    (?P<change>[-+−]?\d++(?:\.\d++)?)\s*+%\s*+$""",
    re.VERBOSE,
)
# A line that starts like a quote but does not parse is a damaged ticker line, never body text.
QUOTE_LIKE_RE = re.compile(r"^\s*+[•·*\-–]?\s*+[A-Za-z]{3}\s*+/\s*+[A-Za-z]{3}\s*+(=|$)")

# The total may be missing ("Viewing results 1 - 6 of"): the page still has a listing header.
LISTING_RE = re.compile(
    r"^\s*+Viewing\s++results\s++(\d++)\s*+[-–]\s*+(\d++)(?:\s++of(?:\s++(\d++))?)?\s*+$", re.IGNORECASE
)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\s++)?"
# Only whole lines shaped like a date are handed to dateutil: a headline that merely mentions
# a date ("Launch Scheduled for Saturday 23rd March") must never become the page date.
DATE_LINE_RE = re.compile(
    rf"""^\s*+{_WEEKDAY}(?:
        \d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}     # 08 December 2025
      | {_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}     # December 8, 2025
      | \d{{4}}-\d{{2}}-\d{{2}}                                # 2025-12-08
      | \d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}                      # 08.12.2025
    )\s*+$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_quote_line(line: str) -> tuple[str, str, str, str] | None:
    """(currency, quote currency, rate, change_pct) as printed, or None if the line is no quote."""
    match = QUOTE_RE.match(line)
    if not match:
        return None
    change = match["change"].replace("−", "-").lstrip("+")
    return match["currency"].upper(), match["quote"].upper(), match["rate"], change


def is_quote_like(line: str) -> bool:
    return bool(QUOTE_LIKE_RE.match(line))


@cache
def is_iso_currency(code: str) -> bool:
    import pycountry  # lazy: the ISO tables are only needed once quotes are seen

    return pycountry.currencies.get(alpha_3=code) is not None


def parse_date_line(line: str) -> dt.date | None:
    """The page date, if the whole line is a date."""
    if not DATE_LINE_RE.match(line):
        return None
    text = line.strip()
    try:
        # Numeric forms on this site are day-first (08.12.2025); ISO dates parse either way.
        parsed: dt.datetime = date_parser.parse(text, dayfirst=not re.match(r"\d{4}-", text))
        return parsed.date()
    except (ValueError, OverflowError):
        return None


def parse_listing_line(line: str) -> Listing | None:
    match = LISTING_RE.match(line)
    if not match:
        return None
    first, last, total = match.groups()
    return Listing(first=int(first), last=int(last), total=int(total) if total else None)
