"""The period of a figure: the nearest dated expression in its clause, resolved against the article's year."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re

from steppe.extraction.figures.context import Ctx
from steppe.extraction.figures.dates import MON, MONTHS, NUMW, YEAR
from steppe.extraction.figures.scans import clause_bounds, clause_window_bounds, found_in
from steppe.extraction.figures.spans import Cand, Siblings

# Where a dated expression can start: the first letters of every branch below (a superset, case
# folded), or a digit. The engine otherwise tries all fourteen branches at every character; this
# one look ahead skips most positions at once (about 3x faster) and changes no match.
_DATE_START = r"(?=[\dJFMASONDQ]|(?i:f[ior]|be|pa|s[ei]|th|la|ne))"
_DATE_RX = re.compile(
    _DATE_START
    + rf"(?:(?P<mrange>(?:(?i:from|between)\s++)?(?P<m1>{MON})\s*+(?:-|–|—|to|through|and)\s*+(?P<m2>{MON})"
    rf"(?:,?\s++(?:of\s++)?(?P<mry>{YEAR}|this\s++year|last\s++year))?)"
    rf"|(?P<firstn>(?:first|past)\s++(?P<n>\d{{1,2}}|{'|'.join(NUMW)})\s++months\s++(?:of\s++)?"
    rf"(?P<fy>{YEAR}|this\s++year|last\s++year)?)"
    rf"|(?P<half>(?:first|second)\s++half\s++of\s++(?P<hy>{YEAR}|this\s++year|last\s++year))"
    rf"|(?P<quarters>(?i:first|past)\s++(?P<qk>two|three|2|3)\s++quarters(?:\s++of)?(?:\s++(?P<qsy>{YEAR}|this\s++year|last\s++year))?)"
    rf"|(?P<quarter>(?:(?P<qo>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th))\s++quarter|\bQ(?P<qn>[1-4]))\b"
    rf"(?:,?\s++(?:of\s++)?(?P<qy>{YEAR}|this\s++year|last\s++year))?)"
    rf"|(?P<day>(?P<dm>{MON})\s++(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s++(?P<dy>{YEAR}))?)"
    rf"|(?P<day2>(?P<dd2>\d{{1,2}})\s++(?P<dm2>{MON})(?:\s++(?P<dy2>{YEAR}))?)"
    rf"|(?P<monyear>(?P<mm>{MON})\s++(?:of\s++)?(?P<my>{YEAR}))"
    rf"|(?P<yrange>(?P<y1>{YEAR})\s*+(?:-|–|—|to|/)\s*+(?P<y2>{YEAR}|\d\d)\b)"
    rf"|(?P<since>(?i:since)\s++(?P<sy>{YEAR}))"
    rf"|(?P<between>(?i:between)\s++(?:(?i:early|mid|late)[-\s]?)?(?P<by1>{YEAR})\s++and\s++"
    rf"(?:(?i:early|mid|late)[-\s]?)?(?P<by2>{YEAR}))"
    rf"|(?P<year>\b{YEAR}\b)"
    rf"|(?P<rel>\b(?:this|last|next)\s++year\b)"
    rf"|(?P<mon>\b{MON}\b))",
)
_NO_PERIOD = re.compile(
    r"\b(?:annually|per\s++year|a\s++year|each\s++year|every\s++year|per\s++day|a\s++day|daily|per\s++month|"
    r"a\s++month|monthly|per\s++annum|currently|current|within\s++the\s++next|in\s++the\s++coming|"
    r"shortly|soon|in\s++the\s++future|over\s++the\s++past)\b", re.I
)


_NOT_PERIOD_BEFORE = re.compile(
    r"\b(?:until|till|through|to|expir\w*+|term|than(?:\s++in)?|compared\s++(?:to|with)(?:\s++the\s++same\s++period\s++"
    r"(?:of|in))?(?:\s++in)?|versus|vs\.?|against|over|from|year-on-year|y/y)\s++$",
    re.I,
)


_TARGET = re.compile(
    r"\b(?:call(?:s|ed)?\s++for|aims?\s++to|aimed\s++to|plans?\s++to|planned\s++to|targets?|goal|seeks?\s++to|"
    r"intends?\s++to|projects?|forecasts?|expects?\s++to|is\s++expected\s++to)\b",
    re.I,
)


def _year_of(tok: str | None, ctx: Ctx) -> int | None:
    if tok is None:
        return None
    t = tok.lower()
    if t.startswith("this"):
        return ctx.cur_year
    if t.startswith("last"):
        return ctx.cur_year - 1 if ctx.cur_year else None
    if t.startswith("next"):
        return ctx.cur_year + 1 if ctx.cur_year else None
    return int(t)


_QUARTER_NO = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
               "final": 4, "last": 4}


def _quarter_period(m: re.Match[str], ctx: Ctx) -> str | None:
    """A quarter as its month range (the spec's grammar has no quarters): Q2 2024 -> 2024-04..2024-06."""
    g = m.groupdict()
    if g["quarters"]:
        k = 3 * (2 if g["qk"].lower() in ("two", "2") else 3)
        y = _year_of(g["qsy"], ctx) or ctx.report_year or ctx.cur_year
        ys = str(y) if y else "XXXX"
        return f"{ys}-01..{ys}-{k:02d}"
    q = int(g["qn"]) if g["qn"] else _QUARTER_NO[g["qo"].lower()]
    y = _year_of(g["qy"], ctx) or ctx.report_year or ctx.cur_year
    ys = str(y) if y else "XXXX"
    return f"{ys}-{3 * q - 2:02d}..{ys}-{3 * q:02d}"


def _period_of(m: re.Match[str], ctx: Ctx) -> str | None:
    g = m.groupdict()
    if g["quarter"] or g["quarters"]:
        return _quarter_period(m, ctx)
    if g["mrange"]:
        # "From January to September": the year of the article's reporting period, if it gave one
        y = _year_of(g["mry"], ctx) or ctx.report_year or (ctx.cur_year if ctx.year_evidence else None)
        a, b = MONTHS[g["m1"].lower()], MONTHS[g["m2"].lower()]
        ys = str(y) if y else "XXXX"
        return f"{ys}-{a:02d}..{ys}-{b:02d}"
    if g["firstn"]:
        n = g["n"]
        k = int(n) if n.isdigit() else NUMW[n.lower()]
        if not g["fy"] or not (1 <= k <= 12):
            return None  # "past five months": a duration, no calendar period
        y = _year_of(g["fy"], ctx)
        return f"{y}-01..{y}-{k:02d}" if y else None
    if g["half"]:
        y = _year_of(g["hy"], ctx)
        if not y:
            return None
        return f"{y}-01..{y}-06" if m.group(0).lower().startswith("first") else f"{y}-07..{y}-12"
    if g["day"] or g["day2"]:
        mon = MONTHS[(g["dm"] or g["dm2"]).lower()]
        d = int(g["dd"] or g["dd2"])
        y = _year_of(g["dy"] or g["dy2"], ctx) or _day_year(mon, d, ctx)
        if not 1 <= d <= 31:
            return None
        return f"{y}-{mon:02d}-{d:02d}" if y else f"XXXX-{mon:02d}-{d:02d}"
    if g["monyear"]:
        return f"{g['my']}-{MONTHS[g['mm'].lower()]:02d}"
    if g["yrange"]:
        y2 = g["y2"]
        if len(y2) == 2:
            y2 = g["y1"][:2] + y2
        return f"{g['y1']}..{y2}"
    if g["since"]:
        return f"{g['sy']}.."
    if g["between"]:
        return f"{g['by1']}..{g['by2']}"
    if g["year"]:
        return g["year"]
    if g["rel"]:
        y = _year_of(g["rel"].split()[0], ctx)
        return str(y) if y else None
    if g["mon"]:
        if m.group(0) == "May" and not re.search(r"\b(?:in|since|by|during|of|from|until|early|late|mid)\s++$",
                                                 m.string[max(0, m.start() - 8) : m.start()], re.I):
            return None  # the modal verb, not the month
        mon = MONTHS[m.group(0).lower()]
        return f"XXXX-{mon:02d}"
    return None


def _day_year(mon: int, day: int, ctx: Ctx) -> int | None:
    """Year of "November 30": the article's current year, minus one if that date is after the page date."""
    y = ctx.cur_year or (ctx.page_date.year if ctx.page_date else None)
    if y is None:
        return None
    if ctx.page_date and y == ctx.page_date.year:
        try:
            if dt.date(y, mon, day) > ctx.page_date:
                return y - 1
        except ValueError:
            return None
    return y


_HABITUAL = re.compile(r"\b(?:previously|formerly|historically|usually|typically|traditionally)\b", re.I)
_BY_BEFORE = re.compile(r"\bby\s++$", re.I)
_CURRENT_BEFORE = re.compile(r"\bcurrent(?:ly)?+(?:\s++[a-z]++){0,3}\s++$", re.I)


@functools.lru_cache(maxsize=16)
def dated_expressions(s: str) -> tuple[list[re.Match[str]], list[int]]:
    """Dated expressions of a sentence and their ends, in order.

    "until July 27, 2030" ends a term and "than in 2022" is a comparison base: neither dates a figure.
    """
    dates = [m for m in _DATE_RX.finditer(s) if not _NOT_PERIOD_BEFORE.search(s[max(0, m.start() - 25) : m.start()])]
    return dates, [m.end() for m in dates]


def figure_period(s: str, c: Cand, ctx: Ctx, siblings: Siblings | None = None) -> tuple[str | None, str | None]:
    """(period, note). Nearest dated expression in the clause, sentence-initial ones cover all."""
    lo, hi = clause_bounds(s, c.start, c.end)
    just_before = s[max(lo, c.start - 25) : c.start]
    if _CURRENT_BEFORE.search(just_before):
        return None, "current level"
    own_lo = max(lo, c.start - 60, siblings.last_end_before(c.start) if siblings else 0)
    if found_in(_HABITUAL, s, own_lo, c.start):
        return None, "usual level, no period stated"
    dates, ends = dated_expressions(s)
    if not dates:
        if found_in(_NO_PERIOD, s, *clause_window_bounds(s, c, 60, 40)):
            return None, "per-period, current or target horizon"
        return None, None
    k = bisect.bisect_right(ends, c.start) - 1  # the nearest date ending before the figure
    j = bisect.bisect_left(ends, c.end)  # dates end in order, so this is the first one after it
    while j < len(dates) and dates[j].start() < c.end:
        j += 1
    pick: re.Match[str] | None = None
    after_ok = j < len(dates) and dates[j].start() <= hi and dates[j].start() - c.end < 70
    if (k >= 0 and after_ok and siblings is not None and siblings.any_in(dates[k].start() - 30, dates[k].start())
            and not siblings.any_in(c.end, dates[j].start())):
        # "from 404 million in 2021 and 438.5 million in 2022": the date before belongs to the figure before
        pick = dates[j]
    elif k >= 0 and dates[k].start() >= lo and c.start - dates[k].end() < 100:
        pick = dates[k]
    elif after_ok:
        pick = dates[j]
    elif dates[0].start() < 20 and dates[0].end() <= c.start:
        pick = dates[0]
    if pick is None:
        return None, None
    dated_event = bool(pick.group("mon") or pick.group("day") or pick.group("day2") or pick.group("monyear"))
    if dated_event and pick.end() <= c.start and _TARGET.search(s[pick.end() : c.start]):
        # "In January, the president called for raising output to 63 bcm": the date is the call's
        return None, "target without a target date"
    txt = pick.group(0).lower()
    if txt.startswith("by ") or _BY_BEFORE.search(s[max(0, pick.start() - 4) : pick.start()]):
        return _period_of(pick, ctx), "target date"
    return _period_of(pick, ctx), None
