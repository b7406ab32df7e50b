"""The metric of a figure: the nearest cue word (exports, investment, price...), then the spec's special cases."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from steppe.extraction.figures import lexicon as lex
from steppe.extraction.figures.scans import clause_bounds, clause_window, sentence_has
from steppe.extraction.figures.spans import Cand

ANAPHOR = re.compile(
    r"^(?:\W*)(?:It|This|These|That|They|The\s++(?:figure|amount|deals?|contracts?|agreements?|volume|"
    r"total|sum)|This\s++(?:figure|amount|volume)|The\s++\w++\s++projects?\s++this\s++figure)\b"
    r"|\b(?:this|that|the\s++same)\s++(?:figure|amount|volume|indicator|number)\b",
)
_AFTER_LINK = re.compile(
    r"(?<!\s)\s*+(?:(?:in|of|worth|for|the|total|new|annual|its|their|all|mutual|bilateral|foreign|direct|"
    r"additional|planned|signed|agricultural|trade)\s++){0,3}"
)


_CUE_MODAL = re.compile(r"(?i:will|can|could|designed|able)\b")
_UNIT_PRICE_AFTER = re.compile(
    r"(?<!\s)\s*+(?:per|for\s++each|a)\s++(?:ton|tonne|hectare|barrel|kilogram|kg|kilowatt|kwh|cubic|"
    r"liter|litre|square|unit|head|month|sq|meter|metre|m3)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class _Cues:
    """Metric cues of one sentence in order (they never overlap, so ends ascend too)."""

    spans: list[tuple[int, int, str]]
    starts: list[int]
    ends: list[int]


@functools.lru_cache(maxsize=16)
def _cues(s: str) -> _Cues:
    found = [(m.start(), m.end(), lex.cue_metric(m)) for m in lex.metric_cue_regex().finditer(s)]
    strong = [x for x in found if not x[2].endswith("?")]
    spans = strong or [(a, b, m.rstrip("?")) for a, b, m in found]
    return _Cues(spans, [x[0] for x in spans], [x[1] for x in spans])


def metric_of(s: str, c: Cand) -> tuple[str | None, bool]:
    """Metric from the nearest cue; (None, False) if the sentence has no cue at all.

    The bool says whether the cue was explicit near the figure (True) or a weaker guess.
    """
    cues = _cues(s)
    spans = cues.spans
    # a cue glued right after the figure ("$100 million contract", "$1 billion in export deals")
    link = _AFTER_LINK.match(s, c.end)
    off = link.end() if link else c.end
    first_after = bisect.bisect_left(cues.starts, c.end)
    last_near = bisect.bisect_right(cues.starts, off + 1)
    near_after = [k for k in range(first_after, last_near) if not _CUE_MODAL.match(s, spans[k][0])]
    if near_after:
        k = near_after[-1]
        # "export agreements", "investment contracts": the deal noun is the head
        if k + 1 < len(spans) and spans[k + 1][0] <= spans[k][1] + 2 and spans[k + 1][2] == "deal":
            return "deal", True
        return spans[near_after[0]][2], True
    # "per hectare", "for each ton": a unit price whatever came before
    if _UNIT_PRICE_AFTER.match(s, c.end):
        return "price", True
    k = bisect.bisect_right(cues.ends, c.start) - 1
    if k >= 0:
        # the nearest cue before the figure, in its clause or else anywhere before it
        return spans[k][2], True
    if first_after < len(spans):
        a = spans[first_after][0]
        # "5 million tons of grain were exported": the figure's own passive verb is explicit
        passive = _PASSIVE_BEFORE.search(s[max(0, a - 24) : a]) is not None and a < clause_bounds(s, c.start, c.end)[1]
        return spans[first_after][2], passive
    return None, False


_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s++(?:[a-z]++\s++)?$")


def refined_metric(metric: str, s: str, c: Cand) -> str:
    """Spec special cases on top of the nearest cue."""
    win = clause_window(s, c, 90, 40).lower()
    flows = ("exports", "imports", "trade_turnover")
    if metric in flows and re.search(r"\btransit(?:ed)?\s++(?:cargo|freight|goods)", win):
        return "other"  # spec: transit cargo -> other
    if sentence_has(s, "central_bank") and re.search(
        r"\b(?:bought|sold|buy|sell|purchas\w*+|sales?)\b", win
    ) and metric in ("exports", "imports", "other"):
        return "other"
    if metric in ("spending", "investment", "other", "deal") and re.search(
        r"\b(?:humanitarian|grant|aid|donat\w*+|assistance)\b", win
    ):
        return "aid"
    if metric == "other" and sentence_has(s, "development_bank") and "loan" in win:
        return "aid"
    if metric == "imports" and re.search(r"\b(?:purchas\w*+|bought|buy\w*+)\b", win) and not re.search(
        r"\bfrom\b", win
    ) and c.kind == "money" and re.search(r"\b(?:shares?|stakes?|assets?)\b", win):
        return "investment"
    if metric == "exports" and c.kind == "money" and re.search(r"\btransfer", win) and not re.search(
        r"\b(?:export|suppl|ship|deliver|sold|sell)", win
    ):
        return "other"  # a money transfer (fund to budget, remittances) is not a supply of goods
    if metric in ("spending", "other", "deal") and re.search(
        r"\b(?:a|one|per|each)\s++(?:kilogram|kg|liter|litre|ton|tonne|barrel|loaf|kilowatt|kwh|cubic|square|"
        r"ticket|hectare|dozen|gram)\b", win
    ):
        return "price"  # "a kilogram of beef costs 4,500 tenge"
    if c.kind == "percent" and metric in ("other", "spending", "aid", "investment") and re.search(
        r"\bper\s++annum\b|\binterest\b|\brate\s++of\b|\bannual\s++rate\b", win
    ):
        return "price"  # interest on loans is a price (spec 7)
    if metric == "imports" and c.kind == "money" and re.search(r"\b(?:receiv|award)", win) and not re.search(
        r"\b(?:import|worth|goods|purchas|bought|buy|from)", win
    ):
        return "other"  # "the academy will receive $4 million", "medalists were awarded $200,000": money, not goods
    if metric in ("reserves",) and re.search(r"\bdeposits?\b", win) and re.search(r"\bbank", win):
        return "other"
    return metric
