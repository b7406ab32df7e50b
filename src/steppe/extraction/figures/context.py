"""What an article says about itself, read once before its sentences: its home country, its pair of
countries, its current year; and the state carried from sentence to sentence."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from steppe.extraction.figures.countries import EU, find_countries
from steppe.extraction.figures.dates import YEAR
from steppe.extraction.model import TradeFigure


@dataclass(slots=True)
class Ctx:
    """Article-level state carried between sentences."""

    home: str | None
    pair: tuple[str | None, str | None]
    cur_year: int | None
    page_date: dt.date | None
    text: str = ""
    prev: TradeFigure | None = None
    prev_sent_idx: int = -10
    title_pair: tuple[str, str] | None = None  # the two countries of a headline naming exactly two
    report_year: int | None = None  # year of the last month-qualified date so far ("January-September 2024")
    report_period: str | None = None  # the last reporting range so far ("2024-01..2024-09"), for undated flows
    year_evidence: bool = False  # the article cites a year of its own (else cur_year is the page date's)


# "(?=[12])": a year's first digit, tested before the four look-behinds at every character
_CITED_YEAR = re.compile(rf"(?=[12])(?<!\bby\s)(?<!\bto\s)(?<!\buntil\s)(?<!\btill\s)\b({YEAR})\b", re.I)


def article_context(title: str, body: str, page_date: dt.date | None) -> Ctx:
    t_codes = [m.code for m in find_countries(title) if not m.weak and m.code != EU]
    b_codes = [m.code for m in find_countries(body) if not m.weak and m.code != EU]
    counts = Counter(b_codes)
    for code in t_codes:
        counts[code] += 2
    ranked = [c for c, _ in counts.most_common()]
    home = None
    # Central Asian countries are the usual acting side on this site; prefer them for "home".
    for code in ranked:
        if code in ("KZ", "UZ", "KG", "TJ", "TM"):
            home = code
            break
    if home is None and ranked:
        home = ranked[0]
    pair_src = list(dict.fromkeys(t_codes)) if len(set(t_codes)) >= 2 else ranked
    pair: tuple[str | None, str | None] = (
        pair_src[0] if pair_src else None, pair_src[1] if len(pair_src) > 1 else None
    )
    if pair[0] is not None and pair[1] is not None and home in pair and pair[0] != home:
        pair = (pair[1], pair[0])
    # "this year": the year after the last full year cited before the page year (spec 7 example)
    # "by 2024" / "until 2030" are targets, not years the article reports on
    years = [int(m.group(1)) for m in _CITED_YEAR.finditer(title + " " + body)]
    cur: int | None = page_date.year if page_date else None
    if page_date:
        past = [y for y in years if y < page_date.year]
        if past:
            cur = max(past) + 1
    elif years:
        cur = max(years)
    t_distinct = list(dict.fromkeys(t_codes))
    title_pair = (t_distinct[0], t_distinct[1]) if len(t_distinct) == 2 else None
    return Ctx(home, pair, cur, page_date, title + "\n" + body, title_pair=title_pair, year_evidence=bool(years))
