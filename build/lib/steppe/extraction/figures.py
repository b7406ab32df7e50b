"""Trade-figure extraction (spec/EXTRACTION.md section 7).

Rule-based on purpose: regexes find money, quantity, percent and N-fold spans; word cues in the
sentence decide whether the span sizes an economic flow (precision first) and which metric it is;
country mentions with their prepositions give reporter and partner. No model is loaded, so the
extractor runs at thousands of articles per second.

Page text is untrusted, so the work is linear in it: every pattern is free of nested or overlapping
quantifiers (white-space runs are possessive, a digit run is entered once), a sentence is at most
MAX_SENTENCE_CHARS long, and what a sentence's figures all need (cues, dates, clause cuts, word-list
hits) is scanned once per sentence and then looked up by bisection (tests/unit/test_figures_linear.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, replace

from steppe.extraction import figures_lexicon as lex
from steppe.extraction.figures_countries import EU, find_countries
from steppe.extraction.figures_sentences import cap_spans, split_sentences
from steppe.extraction.model import FigureKind, TradeFigure
from steppe.extraction.numbers import (
    DIGIT_NUMBER,
    NUMBER,
    SCALE_GLUED,
    SCALE_WORD,
    parse_fold_word,
    parse_number,
    scale_factor,
)

CORE_METRICS = frozenset({"exports", "imports", "trade_turnover", "deal"})


# --- candidate spans --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cand:
    start: int
    end: int
    text: str
    value: float
    unit: str
    kind: FigureKind
    note: str | None = None
    range_start: int | None = None  # both ends of one range share it: they are one flow, not siblings


def _num_group(name: str) -> str:
    # number, then a spelled scale ("1.4 million", "68-million") or a glued one ("$1.4bn")
    return rf"(?P<{name}>{NUMBER})(?:[\s-]?(?P<{name}s>{SCALE_WORD})|(?P<{name}g>{SCALE_GLUED}))?"


# "2-3", "2 – 3", "2 to 3"; a spaced hyphen is a dash ("$242.80 - 3.4 times lower"), not a range
_RANGE_SEP = r"(?:-|\s?[–—]\s?|\s?to\s)"
_RANGE_SEP_RE = re.compile(_RANGE_SEP)


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled span patterns; built once on first use."""
    sym = "|".join(re.escape(s) for s in sorted(lex.SYMBOLS, key=len, reverse=True))
    codes = "|".join(sorted(lex.CODES, key=len, reverse=True))
    names = "|".join(
        re.escape(n).replace(r"\ ", r"\s++") for n in sorted(lex.NAMES, key=len, reverse=True)
    )
    units = "|".join(f"(?:{rx})" for rx, _, _ in lex.UNITS)
    # a year never opens a range ("held by 2024 to 450 million somoni")
    two = rf"(?!(?:19|20)\d\d(?:[-–—]|\s?to\s)){_num_group('a')}(?:{_RANGE_SEP}(?:{sym})?\s?{_num_group('b')})?"
    return {
        # "$1.4 billion", "US$500m", "$2-3 billion", "KZT 5 billion"
        "money_pre": re.compile(rf"(?P<cur>{sym}|\b(?:{codes})\b)\s?{two}"),
        # "500 million tenge", "half a billion dollars", "20 billion US dollars", "10 mln USD"
        # names are matched case-blind for Title Case headlines ("$2 Billion", "500 Million Tenge")
        "money_post": re.compile(rf"{two}\s?(?P<cur>\b(?:(?i:{names})|{codes})\b)"),
        # "1.4 million tons", "3 billion cubic meters", "11 bcm", "2.5 GW"
        "quantity": re.compile(rf"{two}(?:\s?|-)(?:of\s++)?(?P<unit>\b(?i:{units}))(?![\w/-]|/\w)"),
        "percent": re.compile(rf"{two}\s?(?P<pct>%|\b(?i:per\s?cent|pct)\b)"),
        # "5.5-fold", "two-fold", "threefold", "2.6 times" (the last only after a change verb)
        "fold": re.compile(
            rf"(?P<a>{NUMBER})[-\s]?fold\b|\b(?P<w>two|three|four|five|six|seven|eight|nine|ten|twenty|"
            rf"hundred|thousand)fold\b|(?P<t>{NUMBER})\s++times\b",
            re.IGNORECASE,
        ),
    }


_UNIT_RX: list[tuple[re.Pattern[str], str, float]] = []


def _unit_of(surface: str) -> tuple[str, float]:
    if not _UNIT_RX:
        _UNIT_RX.extend((re.compile(rf"(?:{rx})$", re.IGNORECASE), u, f) for rx, u, f in lex.UNITS)
    for rx, unit, factor in _UNIT_RX:
        if rx.match(surface):
            return unit, factor
    return surface, 1.0


def _values(m: re.Match[str]) -> list[float]:
    """Numbers of a (possibly ranged) match; a shared trailing scale applies to both ends."""
    a = parse_number(m.group("a"))
    if a is None:
        return []
    a_scale = m.group("as") or m.group("ag")
    if m.group("b") is None:
        return [a * scale_factor(a_scale)]
    b = parse_number(m.group("b"))
    if b is None:
        return [a * scale_factor(a_scale)]
    b_scale = m.group("bs") or m.group("bg")
    return [a * scale_factor(a_scale or b_scale), b * scale_factor(b_scale)]


_TIMES_VERB = re.compile(
    r"(?:increas\w*+|grow|grew|grown|rose|risen|rise|surg\w*+|jump\w*+|soar\w*+|expand\w*+|multipl\w*+|"
    r"climb\w*+|boost\w*+|went\s++up|up|decreas\w*+|fell|fallen|dropp?\w*+|declin\w*+|reduc\w*+)"
    r"(?:\s++by)?(?:\s++(?:about|almost|nearly|more\s++than|over|some|around|roughly))?\s++$",
    re.IGNORECASE,
)
_TIMES_AFTER = re.compile(r"(?<!\s)\s++(?:more|higher|larger|greater|less|lower|bigger|over|as\s++(?:much|high))\b")
_YEARISH = re.compile(r"^(?:1[89]\d\d|20\d\d)$")


_MAYBE_NUMBER = re.compile(
    r"\d|(?i:\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|half|an?\s++(?:thousand|million|billion|trillion)|"
    r"[a-z]{3,8}fold)\b)"
)


_OF_AFTER = re.compile(r"(?<!\s)\s++of\b")


def _find_candidates(s: str, ctx: str) -> list[_Cand]:
    """All figure spans of sentence s (ctx: article text for ambiguous currency names)."""
    if not _MAYBE_NUMBER.search(s):
        return []  # cheap pre-check: most sentences hold no number at all
    pats = _patterns()
    found: list[_Cand] = []
    low = s.lower()
    # Cheap keyword gates per pattern: the number-led regexes are the slow part.
    has_pct = "%" in s or "cent" in low or "pct" in low
    has_fold = "fold" in low or "times" in low

    for key in ("money_pre", "money_post"):
        for m in pats[key].finditer(s):
            cur_raw = m.group("cur")
            has_scale = bool(m.group("as") or m.group("ag") or m.group("bs") or m.group("bg"))
            name = re.sub(r"\s++", " ", cur_raw)
            if key == "money_post" and name.lower() in lex.NEEDS_SCALE and not has_scale:
                continue
            if key == "money_pre" and cur_raw in lex.CODES and not has_scale and _YEARISH.match(m.group("a")):
                continue  # "KZT 2024" is more likely a label and a year than a sum
            code = _resolve_currency(name, s, ctx)
            if code is None:
                continue
            vals = _values(m)
            if key == "money_post" and m.group("a")[:1].isalpha() and not has_scale:
                continue  # "one dollar" / "a dollar": not a figure worth extracting
            found.extend(_split(m, vals, code, "money"))

    for m in pats["quantity"].finditer(s):
        unit, factor = _unit_of(m.group("unit"))
        vals = _values(m)
        scale = (m.group("bs") or m.group("as") or "").lower()
        if unit == "m3" and scale in ("billion", "bln", "bn", "trillion", "trln", "tn"):
            # "3 billion cubic meters" is written as bcm in the spec (value 3)
            base = [float(parse_number(m.group(g)) or 0.0) for g in ("a", "b") if m.group(g)]
            f = 1000.0 if scale in ("trillion", "trln", "tn") else 1.0
            found.extend(_split(m, [v * f for v in base], "bcm", "quantity"))
            continue
        if unit == "bcm" and scale:
            # "1.5 billion bcm" does not occur; "bcm" after a scale is still bcm
            vals = [float(parse_number(m.group(g)) or 0.0) for g in ("a", "b") if m.group(g)]
        if unit == "units" and not _OF_AFTER.match(s, m.end()):
            continue
        found.extend(_split(m, [v * factor for v in vals], unit, "quantity"))

    for m in pats["percent"].finditer(s) if has_pct else ():
        found.extend(_split(m, _values(m), "percent", "percent"))

    for m in pats["fold"].finditer(s) if has_fold else ():
        if m.group("w"):
            v = parse_fold_word(m.group("w"))
        elif m.group("a"):
            v = parse_number(m.group("a"))
        else:
            before = s[max(0, m.start() - 40) : m.start()]
            if not (_TIMES_VERB.search(before) or _TIMES_AFTER.match(s, m.end())):
                continue
            v = parse_number(m.group("t"))
        if v is not None and v > 1:
            found.append(_Cand(m.start(), m.end(), m.group(0), v, "fold", "ratio"))

    # Overlaps: keep the longest span (a "$5 billion" beats a bare "5 billion"); then order by start.
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[_Cand] = []
    for c in found:
        if out and c.start < out[-1].end:
            if (c.end - c.start) > (out[-1].end - out[-1].start) and c.start == out[-1].start:
                out[-1] = c
            continue
        out.append(c)
    return _add_elliptical(s, out)


# "495,000 tons to A, 639,000 tons to B, and 666,000 to C": the last number leaves out the unit of its list.
_BARE_IN_LIST = re.compile(
    rf"(?:,\s*+(?:and\s++)?|\band\s++)(?P<n>{DIGIT_NUMBER})(?=\s++(?:to|from|in|for|of)\b|\s*+[,;.]|\s*+$)"
)
_TRAILING_UNIT = re.compile(r"[^\W\d][^\d]{0,40}$")


def _add_elliptical(s: str, cands: list[_Cand]) -> list[_Cand]:
    """Bare thousands in a list of figures that share a unit written after the number ("tons")."""
    if len(cands) < 2 or "," not in s:
        return cands
    extra: list[_Cand] = []
    starts = [c.start for c in cands]
    for m in _BARE_IN_LIST.finditer(s):
        start = m.start("n")
        value = parse_number(m.group("n"))
        k = bisect.bisect_right(starts, start) - 1
        if value is None or value < 1000 or _YEARISH.match(m.group("n")) or k < 1:
            continue
        prev, before = cands[k], cands[k - 1]
        if prev.end > start or start - prev.end > 80 or prev.kind != "quantity" or before.unit != prev.unit:
            continue  # two earlier figures with one unit make the list; a lone one does not
        unit_word = _TRAILING_UNIT.search(prev.text)
        if unit_word is None or _unit_of(unit_word.group(0).strip())[1] != 1.0:
            continue  # "kg" or "GW" would need their factor; only plain units carry over
        extra.append(_Cand(start, m.end("n"), m.group("n"), value, prev.unit, prev.kind, "unit from its list"))
    return sorted(cands + extra, key=lambda c: c.start) if extra else cands


def _split(m: re.Match[str], vals: list[float], unit: str, kind: FigureKind) -> list[_Cand]:
    """One candidate per number; a range ("$2-3 billion") gives its two ends, same text span."""
    text = m.group(0).strip()
    if len(vals) == 2 and (m.group("as") or m.group("ag")) and not (m.group("bs") or m.group("bg")):
        # "$1.2 billion to 80 countries": not a range, the scale shows the first number is complete
        end = m.end("as") if m.group("as") else m.end("ag")
        return [_Cand(m.start(), end, m.string[m.start() : end].strip(), vals[0], unit, kind)]
    if len(vals) == 1:
        return [_Cand(m.start(), m.end(), text, vals[0], unit, kind)]
    # "$2.5 billion to $5 billion": each end is written whole, so each keeps its own text;
    # "$2-3 billion": the lower end borrows the scale, so both keep the whole range.
    lower_text = upper_text = text
    if m.group("as") or m.group("ag"):
        # cut at the separator after the lower end's scale ("twenty-five million | to | thirty …")
        a_end = m.end("as") if m.group("as") else m.end("ag")
        sep = _RANGE_SEP_RE.match(m.string, a_end)
        if sep:
            lower_text, upper_text = m.string[m.start() : a_end].strip(), m.string[sep.end() : m.end()].strip()
    # two ends: second end gets a 1-char later start so overlap resolution keeps both
    return [
        _Cand(m.start(), m.start("b"), lower_text, vals[0], unit, kind, "range: lower end", m.start()),
        _Cand(m.start("b"), m.end(), upper_text, vals[1], unit, kind, "range: upper end", m.start()),
    ]


# lex.NAMES keyed case-insensitively ("Tenge", "US Dollars"); no two names differ only in case.
_NAMES_LOWER = {k.lower(): v for k, v in lex.NAMES.items()}


def _resolve_currency(name: str, sentence: str, ctx: str) -> str | None:
    code = lex.SYMBOLS.get(name) or lex.CODES.get(name) or _NAMES_LOWER.get(name.lower())
    if code is None:
        return None
    if name == "¥":
        return "JPY" if _sentence_has(sentence, "japan") else "CNY"
    if code.startswith("?"):
        return _shared_name_code(code, sentence, ctx)
    return code


@functools.lru_cache(maxsize=16)
def _shared_name_code(code: str, sentence: str, ctx: str) -> str | None:
    """A currency name two countries share, settled by which country the text names more (once per sentence)."""
    text = sentence + " " + ctx
    if code == "?som":
        return "UZS" if text.count("Uzbek") > text.count("Kyrgyz") else "KGS"
    if code == "?manat":
        return "AZN" if text.count("Azerbaijan") > text.count("Turkmen") else "TMT"
    if code == "?rupee":
        return "PKR" if text.count("Pakistan") > text.count("India") else "INR"
    return None


# --- filtering --------------------------------------------------------------------------------


# Per-sentence scans are cached on the sentence (its hash is computed once), so that each
# candidate of a sentence costs a few bisections instead of a fresh scan of the whole sentence.
_CLAUSE_OPEN = re.compile(r";|\bbut\b|\bwhile\b|\bwhereas\b|\bmeanwhile\b|:")
# A sentence-opening adverbial phrase up to its comma (bounded, so a comma-less sentence costs little).
_INTRO_PHRASE = re.compile(
    r"(?:With|Amid|As|Despite|Although|Though|Whereas|Following|Given|Unlike|Besides|Apart\s++from)\b[^,;]{1,200}+,"
)
_CLAUSE_CLOSE = re.compile(r";|\bbut\b|\bwhile\b|\bwhereas\b")


@functools.lru_cache(maxsize=16)
def _clause_cuts(s: str) -> tuple[list[int], list[int]]:
    """(ends of clause-opening cuts, starts of clause-closing cuts), both ascending."""
    opens = [m.end() for m in _CLAUSE_OPEN.finditer(s)]
    intro = _INTRO_PHRASE.match(s)
    if intro:
        # "With trade between A and B rising, C could hold $1 billion with D": the opening phrase is its own clause
        opens = sorted({*opens, intro.end()})
    return opens, [m.start() for m in _CLAUSE_CLOSE.finditer(s)]


def _clause(s: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause around a span: cut at ';', ' but ', ' while ', ' whereas ', '—' pairs."""
    opens, closes = _clause_cuts(s)
    i = bisect.bisect_right(opens, start) - 1
    j = bisect.bisect_left(closes, end)
    return (opens[i] if i >= 0 else 0), (closes[j] if j < len(closes) else len(s))


def _window(s: str, c: _Cand, before: int = 70, after: int = 50) -> str:
    lo, hi = _clause(s, c.start, c.end)
    return s[max(lo, c.start - before) : min(hi, c.end + after)]


_CHANGE = re.compile(r"\b(?:increas\w*+|grow\w*+|growth|rise|rose|risen|decreas\w*+|declin\w*+|drop\w*+|fell)\b",
                     re.I)
_NATURE = re.compile(r"\b(?:climate|droughts?|rainfall|glaciers?|water\s++(?:flow\w*+|levels?|availability)|"
                     r"river\s++flow\w*+|snow\w*+|temperatures?)\b", re.I)
_UNITS_FLOW = re.compile(r"\b(?:produc|export|import|suppl|deliver|ship)", re.I)


@functools.lru_cache(maxsize=64)
def _hits(pattern: re.Pattern[str], s: str) -> tuple[list[int], list[int]]:
    """Starts and ends of a word list's matches in a sentence (scanned once per sentence)."""
    found = [(m.start(), m.end()) for m in pattern.finditer(s)]
    return [a for a, _ in found], [b for _, b in found]


def _found_in(pattern: re.Pattern[str], s: str, lo: int, hi: int) -> bool:
    """Whether a match of pattern in s overlaps s[lo:hi]; a few bisections instead of a rescan per figure."""
    starts, ends = _hits(pattern, s)
    k = bisect.bisect_right(ends, lo)  # the first match ending after lo (matches never overlap)
    return k < len(starts) and starts[k] < hi


def _window_bounds(s: str, c: _Cand, before: int = 70, after: int = 50) -> tuple[int, int]:
    lo, hi = _clause(s, c.start, c.end)
    return max(lo, c.start - before), min(hi, c.end + after)


def _keep(s: str, c: _Cand, in_title: bool, follows_flow: bool = False) -> bool:
    """Spec exclusions; percentages and ratios also need an economic word nearby.

    follows_flow: the previous sentence held a figure, so "a further threefold increase" continues it.
    """
    near = (max(0, c.start - 45), min(len(s), c.end + 45))
    if _found_in(lex.ENVIRONMENT, s, *near) or _found_in(lex.SOCIAL, s, *near):
        return False
    if c.kind in ("money", "quantity") and _found_in(lex.CRIME, s, *near):
        return False
    if c.kind in ("percent", "ratio"):
        if _found_in(_NATURE, s, *_window_bounds(s, c, 120, 40)):
            return False  # "water flowing into X could drop by 25% because of climate change": not an economic flow
        if _found_in(lex.TOURISM, s, *(_window_bounds(s, c) if not in_title else (0, len(s)))):
            return False
        if lex.DEMOGRAPHIC_AFTER.match(s, c.end) or _found_in(lex.DEMOGRAPHIC, s, c.start - 50, c.end + 30):
            return False
        if c.kind == "percent" and _found_in(lex.PERCENT_NOT_FLOW, s, c.start - 40, c.end + 30):
            return False
        if not _found_in(lex.ECON, s, *_window_bounds(s, c, 120, 60)) and not (
            follows_flow and _found_in(_CHANGE, s, c.start - 30, c.end + 30)
        ):
            return False
    if c.kind == "quantity" and c.unit == "units":
        return _found_in(_UNITS_FLOW, s, *_window_bounds(s, c))
    if c.kind == "money" and c.value == 0:
        return False
    # "$1 = 470 tenge": an exchange rate, not a sum
    return not (c.kind == "money" and (
        _EQUALS_AFTER.match(s, c.end) or s[max(0, c.start - 20) : c.start].rstrip().endswith("=")
        or _found_in(_FX_RATE, s, *near)
    ))


_EQUALS_AFTER = re.compile(r"(?<!\s)\s*+=")
_FX_RATE = re.compile(r"\bexchange\s++rate\b|\bagainst\s++the\s++(?:dollar|euro|ruble)", re.I)


# --- metric -----------------------------------------------------------------------------------

_ANAPHOR = re.compile(
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


def _metric(s: str, c: _Cand) -> tuple[str | None, bool]:
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
        passive = _PASSIVE_BEFORE.search(s[max(0, a - 24) : a]) is not None and a < _clause(s, c.start, c.end)[1]
        return spans[first_after][2], passive
    return None, False


_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s++(?:[a-z]++\s++)?$")


_SENTENCE_FLAGS = {
    "central_bank": re.compile(r"\bcentral\s++bank|national\s++bank|\bnbk\b", re.I),
    "development_bank": re.compile(r"\b(?:ADB|World\s++Bank|EBRD|Asian\s++Development\s++Bank|IsDB|AIIB|"
                                   r"Islamic\s++Development\s++Bank|USAID)\b"),
    "japan": re.compile(r"\bJapan\w*+|\byen\b"),
    "bilateral": re.compile(r"\b(?:bilateral|mutual|two\s++countries|both\s++countries|two\s++nations|"
                            r"the\s++(?:two\s++)?sides|the\s++parties|both\s++sides)\b", re.I),
}


@functools.lru_cache(maxsize=64)
def _sentence_has(s: str, flag: str) -> bool:
    """Whether the sentence holds one of the cue families of _SENTENCE_FLAGS (scanned once per sentence)."""
    return _SENTENCE_FLAGS[flag].search(s) is not None


def _refine_metric(metric: str, s: str, c: _Cand) -> str:
    """Spec special cases on top of the nearest cue."""
    win = _window(s, c, 90, 40).lower()
    flows = ("exports", "imports", "trade_turnover")
    if metric in flows and re.search(r"\btransit(?:ed)?\s++(?:cargo|freight|goods)", win):
        return "other"  # spec: transit cargo -> other
    if _sentence_has(s, "central_bank") and re.search(
        r"\b(?:bought|sold|buy|sell|purchas\w*+|sales?)\b", win
    ) and metric in ("exports", "imports", "other"):
        return "other"
    if metric in ("spending", "investment", "other", "deal") and re.search(
        r"\b(?:humanitarian|grant|aid|donat\w*+|assistance)\b", win
    ):
        return "aid"
    if metric == "other" and _sentence_has(s, "development_bank") and "loan" in win:
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


# --- countries: reporter / partner -----------------------------------------------------------

_ROLE_AFTER = re.compile(
    r"^(?:['’]s)?\s++(?:Deputy\s++|First\s++|Vice\s++)?(?:Prime\s++Minister|Minister|Ministry|President|"
    r"presidential|ambassador|Ambassador|Embassy|embassy|official|officials|government\s++official|"
    r"leader|authorities|Foreign|parliament|Parliament|envoy|delegation|counterparts?|Senate|side\s++said)",
)
_ACCORDING = re.compile(r"\b(?:according\s++to|announced\s++by|said|told|reported\s++by|cited\s++by)\s++$", re.I)
_SUPPLY_VERB = re.compile(
    r"\b(?:suppl(?:y|ies|ied|ying)|sold|sells?|sell|ship(?:s|ped)?|deliver(?:s|ed)?|export(?:s|ed)?|"
    r"provid(?:e|es|ed))\s++$", re.I
)


_ACTOR_NOUN = re.compile(
    r"(?<!\s)\s++(?:state\s++|private\s++|energy\s++|oil\s++)?(?:compan(?:y|ies)|firms?|business(?:es)?|investors?|buyers?|"
    r"importers?|exporters?|producers?|farmers?|manufacturers?|government|authorities|side|officials?|"
    r"traders?|enterprises?|banks?|giant|corporations?|operators?|suppliers?|customers|partners?|consumers|"
    r"airlines?|carriers?|refiner(?:y|ies)|mills?|factor(?:y|ies)|holdings?|conglomerates?|utilit(?:y|ies)|"
    r"agenc(?:y|ies)|ministry)\b"
)


_VALUE_LINK = re.compile(r"[^,;]{0,60}?\b(?:worth|valued\s++at|totaling|totalling|amounting\s++to)\s++"
                         r"(?:(?:over|about|nearly|almost|around|some|more\s++than|approximately)\s++)?")


class _Siblings:
    """The figures of one sentence, to ask whether another one lies between a figure and a position."""

    def __init__(self, cands: list[_Cand], s: str = "") -> None:
        ordered = sorted(cands, key=lambda x: x.start)
        self.starts = [x.start for x in ordered]
        self.ends = [x.end for x in ordered]
        # figures of one flow: both ends of a range, or goods and their value ("100 tons worth $5 million")
        self.flow_of = {x.start: x.range_start for x in cands if x.range_start is not None}
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a.kind == "quantity" and b.kind == "money" and _VALUE_LINK.fullmatch(s, a.end, b.start):
                group = self.flow_of.get(a.start, a.start)
                self.flow_of[a.start] = self.flow_of[b.start] = group

    def last_end_before(self, pos: int) -> int:
        """End of the last figure that starts before pos (0 if none)."""
        k = bisect.bisect_left(self.starts, pos) - 1
        return self.ends[k] if k >= 0 else 0

    def any_in(self, lo: int, hi: int) -> bool:
        """Whether a figure starts in [lo, hi)."""
        return bisect.bisect_left(self.starts, hi) > bisect.bisect_left(self.starts, lo)

    def between(self, c: _Cand, pos: int) -> bool:
        """Whether a figure of another flow than c's starts in [c.end, pos)."""
        lo, hi = bisect.bisect_left(self.starts, c.end), bisect.bisect_left(self.starts, pos)
        own = self.flow_of.get(c.start)
        if hi - lo != 1 or own is None:
            return hi - lo > 0
        # the only one is of c's own flow (the other end of its range, or its value): not a sibling
        return self.flow_of.get(self.starts[lo]) != own


@dataclass(slots=True)
class _Ment:
    code: str
    start: int
    end: int
    prep: str  # to, from, with, between, in, through, poss, adj, other
    weak: bool


_BUYER_AFTER = re.compile(
    r"(?<!\s)\s++(?:is|was|remains|remained|became|has\s++become)\s++(?:the\s++|a\s++|its\s++)?(?:[a-z]++\s++){0,2}"
    r"(?:buyer|importer|market|destination|consumer|purchaser)s?\b"
)


def _mentions(s: str) -> list[_Ment]:
    out: list[_Ment] = []
    for cm in find_countries(s):
        pre = s[max(0, cm.start - 30) : cm.start]
        post = s[cm.end : cm.end + 40]
        pm = re.search(r"\b(to|into|towards?|from|with|between|and|in|through|via|across|by|of|among)\s++"
                       r"(?:the\s++)?$", pre, re.I)
        prep = pm.group(1).lower() if pm else "other"
        if prep in ("into", "toward", "towards"):
            prep = "to"
        if prep in ("via", "across"):
            prep = "through"
        if re.match(r"['’]s\s++(?:\w++\s++)?share\b|\s++(?:accounted|accounts)\s++for\b", post):
            prep = "share"  # "Russia's share of Kyrgyz imports": the counterpart of the flow
        elif _BUYER_AFTER.match(post):
            prep = "to"  # "Russia remains the main buyer of Uzbek fruit": the destination of the exports
        elif re.match(r"['’]s\b", post):
            prep = "poss" if prep in ("other", "and", "of") else prep
        elif prep in ("other", "of", "and") and cm.demonym and re.match(r"\s++[a-z]", post):
            # "Russian gas" is goods of that origin; "Chinese companies bought" names the actor
            prep = "other" if _ACTOR_NOUN.match(post) else "adj"
        weak = cm.weak or bool(_ROLE_AFTER.match(post)) or bool(_ACCORDING.search(pre))
        if prep in ("and", "other") and out and _LIST_SEP.fullmatch(s, out[-1].end, cm.start):
            prep = out[-1].prep  # "to Italy, Turkey, and Russia": every listed country keeps the list's preposition
        out.append(_Ment(cm.code, cm.start, cm.end, prep, weak))
    return out


@dataclass(slots=True)
class _Ctx:
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


def _rp(
    metric: str, s: str, c: _Cand, ms: list[_Ment], home: str | None, siblings: _Siblings | None = None
) -> tuple[str | None, str | None, bool]:
    """(reporter, partner, found_in_sentence) by the spec's supplier/receiver rules.

    siblings: start offsets of the sentence's other figures; a country named after a later figure
    belongs to that one ("12 Mt in total, including 3 Mt to Uzbekistan").
    """
    # "supplies to Iran (211,000 tons)": the country right before a bracketed figure is that figure's
    # counterpart, and no other figure's
    own = _attached(s, c, ms)
    strong = [m for m in ms if not m.weak and m.prep != "through" and (m is own or not _holds_figure(s, m))
              and not (siblings and siblings.between(c, m.start))]
    if own is not None:
        role = {"exports": "to", "imports": "from"}.get(metric, "with")
        strong = [replace(m, prep=role) if m is own else m for m in strong]
    # "imports from X fell ..., while exports to Y grew ...": stay inside the figure's clause
    lo, hi = _clause(s, c.start, c.end)
    whole_sentence = strong
    in_clause = [m for m in strong if lo <= m.start < hi]
    if in_clause:
        strong = in_clause
    if not strong:
        return None, None, False
    codes = list(dict.fromkeys(m.code for m in strong))

    def first(pred: list[str], exclude: str | None = None) -> str | None:
        # the qualifying mention nearest to the figure (a sentence may name several flows)
        best: tuple[int, str] | None = None
        for m in strong:
            if m.prep in pred and m.code != exclude:
                gap = (m.end, c.start) if m.end <= c.start else (c.end, m.start)
                # a comma between them puts the country in a neighbouring list item ("A, 15 tons to B")
                d = gap[1] - gap[0] + (60 if s.find(",", gap[0], gap[1]) >= 0 else 0)
                if best is None or d < best[0]:
                    best = (d, m.code)
        return best[1] if best else None

    reporter: str | None
    partner: str | None
    share = first(["share"])
    if metric == "exports":
        # "to X", or "supplied X with ...": the direct object of a supply verb
        for m in strong:
            if _SUPPLY_VERB.search(s[max(0, m.start - 25) : m.start]):
                m.prep = "to"
        partner = share or first(["to"])
        reporter = first(["from", "poss", "adj", "other", "and", "in", "of", "by"], exclude=partner)
        if partner is None and reporter is None and codes:
            reporter = codes[0]
    elif metric == "imports":
        reporter = first(["poss", "other", "in", "to", "by", "and"] + (["adj", "of"] if share else []),
                         exclude=share)
        partner = share or first(["from", "adj", "of", "with"], exclude=reporter)
        if reporter is None:
            reporter = home if home != partner else None
    elif metric in ("trade_turnover", "deal"):
        with_ = first(["with", "between", "and", "to", "from"])
        if share is not None:
            others = [x for x in codes if x != share]
            reporter, partner = (others[0] if others else home), share
        elif len(codes) >= 2:
            reporter, partner = codes[0], codes[1]
        elif with_ is not None and with_ != home and strong[0].prep in ("with", "to", "from"):
            reporter, partner = home, with_
        else:
            reporter, partner = codes[0], None
    elif metric in ("investment", "aid"):
        # investor/donor first; recipient "in X" / "to X"
        partner = first(["in", "to", "for"])
        reporter = first(["from", "poss", "adj", "other", "by", "and", "with"], exclude=partner)
        if reporter is None:
            reporter = home if home != partner else None
    else:
        reporter = codes[0]
        partner = codes[1] if len(codes) > 1 else None
    if metric in ("exports", "imports") and reporter is None:
        # "A's imports from B reached X, while exports to B were Y": the acting country is the sentence's subject
        subjects = [m for m in whole_sentence if m.start < lo and m.prep in ("poss", "other") and m.code != partner]
        reporter = subjects[0].code if subjects else None
    if metric in ("exports", "imports") and own is None and _names_other_side(s, c, ms):
        partner = None  # "495,000 tons to Central Asian countries": its own counterpart is no country
    shared = own is None and partner is not None and _in_country_list(s, strong, partner)
    if metric in ("exports", "imports") and shared:
        partner = None  # "exported to Italy, Turkey, and Russia": several countries share one figure
    if reporter == EU:
        reporter = None
    if partner == EU:
        partner = None
    if reporter == partner:
        partner = None
    return reporter, partner, True


_BRACKET_BEFORE = re.compile(r"\(\s*+(?:(?:about|some|over|nearly|almost|around|approximately|roughly)\s++)?$", re.I)
_BRACKET_FIGURE_AFTER = re.compile(
    r"(?<!\s)\s*+\(\s*+(?:(?:about|some|over|nearly|almost|around|approximately|roughly)\s++)?(?:[$€£¥₸₽]|US\$|\d)"
)
_LIST_SEP = re.compile(r"(?<!\s)\s*+(?:,\s*+(?:and\s++|or\s++)?|and\s++|or\s++|&\s*+)(?:the\s++)?$")


_OWN_SIDE_AFTER = re.compile(r"(?<!\s)(?:\s++(?:of\s++)?[a-z]++){0,3}?\s++(?:to|from)\b(?P<rest>.{0,40})", re.S)


def _names_other_side(s: str, c: _Cand, ms: list[_Ment]) -> bool:
    """Whether "to ..."/"from ..." right after the figure names something other than a country."""
    m = _OWN_SIDE_AFTER.match(s, c.end)
    if m is None:
        return False
    if _LEVEL_AFTER.match(m.group("rest")):
        return False  # "surged 5.5-fold to 1.4 million tons": "to" gives a level, not a destination
    rest = m.start("rest")
    return not any(rest <= x.start <= rest + 25 for x in ms)


_LEVEL_AFTER = re.compile(
    r"(?<!\s)\s*+(?:(?:about|over|nearly|almost|around|some|more|less|just|roughly|only)\b|[\d$€£¥₸₽]|US\$)"
)


def _attached(s: str, c: _Cand, ms: list[_Ment]) -> _Ment | None:
    """The country named right before the bracket that opens with figure c ("China (1.3 million tons)")."""
    gap = s[max(0, c.start - 20) : c.start]
    if not _BRACKET_BEFORE.search(gap):
        return None
    bracket = c.start - len(gap) + gap.rindex("(")
    return next((m for m in ms if 0 <= bracket - m.end <= 1), None)


def _holds_figure(s: str, m: _Ment) -> bool:
    """Whether a bracketed figure follows the country mention (it belongs to that figure)."""
    return _BRACKET_FIGURE_AFTER.match(s, m.end) is not None


_REGIONS = (r"(?:Europe|the\s++EU|the\s++European\s++Union|Asia|Central\s++Asia|the\s++Middle\s++East|Africa|"
            r"the\s++Gulf|the\s++CIS|other\s++countries|other\s++markets|others)")
_REGION_LISTED_AFTER = re.compile(rf"(?<!\s)\s*+(?:,\s*+(?:and\s++)?|and\s++|or\s++){_REGIONS}\b")
_REGION_LISTED_BEFORE = re.compile(rf"\b{_REGIONS}\s*+(?:,\s*+(?:and\s++)?|and\s++|or\s++)(?:the\s++)?$")


def _in_country_list(s: str, ms: list[_Ment], code: str) -> bool:
    """Whether a mention of `code` is coordinated with another country ("to Italy, Turkey, and Russia")."""
    for i, m in enumerate(ms):
        if m.code != code:
            continue
        if _REGION_LISTED_AFTER.match(s, m.end) or _REGION_LISTED_BEFORE.search(s[max(0, m.start - 40) : m.start]):
            return True  # "to Turkey and Europe": a country and a region share the figure
        for other in (ms[i - 1] if i > 0 else None, ms[i + 1] if i + 1 < len(ms) else None):
            if other is None or other.code == code:
                continue
            a, b = (other, m) if other.start < m.start else (m, other)
            if b.start - a.end <= 12 and _LIST_SEP.fullmatch(s, a.end, b.start):
                return True
    return False


# --- period -----------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_NUMW = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
         "eleven": 11, "twelve": 12}

_DATE_RX = re.compile(
    rf"(?P<mrange>(?:(?i:from|between)\s++)?(?P<m1>{_MON})\s*+(?:-|–|—|to|through|and)\s*+(?P<m2>{_MON})"
    rf"(?:,?\s++(?:of\s++)?(?P<mry>{_YEAR}|this\s++year|last\s++year))?)"
    rf"|(?P<firstn>(?:first|past)\s++(?P<n>\d{{1,2}}|{'|'.join(_NUMW)})\s++months\s++(?:of\s++)?"
    rf"(?P<fy>{_YEAR}|this\s++year|last\s++year)?)"
    rf"|(?P<half>(?:first|second)\s++half\s++of\s++(?P<hy>{_YEAR}|this\s++year|last\s++year))"
    rf"|(?P<quarters>(?i:first|past)\s++(?P<qk>two|three|2|3)\s++quarters(?:\s++of)?(?:\s++(?P<qsy>{_YEAR}|this\s++year|last\s++year))?)"
    rf"|(?P<quarter>(?:(?P<qo>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th))\s++quarter|\bQ(?P<qn>[1-4]))\b"
    rf"(?:,?\s++(?:of\s++)?(?P<qy>{_YEAR}|this\s++year|last\s++year))?)"
    rf"|(?P<day>(?P<dm>{_MON})\s++(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s++(?P<dy>{_YEAR}))?)"
    rf"|(?P<day2>(?P<dd2>\d{{1,2}})\s++(?P<dm2>{_MON})(?:\s++(?P<dy2>{_YEAR}))?)"
    rf"|(?P<monyear>(?P<mm>{_MON})\s++(?:of\s++)?(?P<my>{_YEAR}))"
    rf"|(?P<yrange>(?P<y1>{_YEAR})\s*+(?:-|–|—|to|/)\s*+(?P<y2>{_YEAR}|\d\d)\b)"
    rf"|(?P<since>(?i:since)\s++(?P<sy>{_YEAR}))"
    rf"|(?P<between>(?i:between)\s++(?:(?i:early|mid|late)[-\s]?)?(?P<by1>{_YEAR})\s++and\s++"
    rf"(?:(?i:early|mid|late)[-\s]?)?(?P<by2>{_YEAR}))"
    rf"|(?P<year>\b{_YEAR}\b)"
    rf"|(?P<rel>\b(?:this|last|next)\s++year\b)"
    rf"|(?P<mon>\b{_MON}\b)",
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


def _year_of(tok: str | None, ctx: _Ctx) -> int | None:
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


def _quarter_period(m: re.Match[str], ctx: _Ctx) -> str | None:
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


def _period_of(m: re.Match[str], ctx: _Ctx) -> str | None:
    g = m.groupdict()
    if g["quarter"] or g["quarters"]:
        return _quarter_period(m, ctx)
    if g["mrange"]:
        # "From January to September": the year of the article's reporting period, if it gave one
        y = _year_of(g["mry"], ctx) or ctx.report_year or (ctx.cur_year if ctx.year_evidence else None)
        a, b = _MONTHS[g["m1"].lower()], _MONTHS[g["m2"].lower()]
        ys = str(y) if y else "XXXX"
        return f"{ys}-{a:02d}..{ys}-{b:02d}"
    if g["firstn"]:
        n = g["n"]
        k = int(n) if n.isdigit() else _NUMW[n.lower()]
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
        mon = _MONTHS[(g["dm"] or g["dm2"]).lower()]
        d = int(g["dd"] or g["dd2"])
        y = _year_of(g["dy"] or g["dy2"], ctx) or _day_year(mon, d, ctx)
        if not 1 <= d <= 31:
            return None
        return f"{y}-{mon:02d}-{d:02d}" if y else f"XXXX-{mon:02d}-{d:02d}"
    if g["monyear"]:
        return f"{g['my']}-{_MONTHS[g['mm'].lower()]:02d}"
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
        mon = _MONTHS[m.group(0).lower()]
        return f"XXXX-{mon:02d}"
    return None


def _day_year(mon: int, day: int, ctx: _Ctx) -> int | None:
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
def _dates(s: str) -> tuple[list[re.Match[str]], list[int]]:
    """Dated expressions of a sentence and their ends, in order.

    "until July 27, 2030" ends a term and "than in 2022" is a comparison base: neither dates a figure.
    """
    dates = [m for m in _DATE_RX.finditer(s) if not _NOT_PERIOD_BEFORE.search(s[max(0, m.start() - 25) : m.start()])]
    return dates, [m.end() for m in dates]


def _period(s: str, c: _Cand, ctx: _Ctx, siblings: _Siblings | None = None) -> tuple[str | None, str | None]:
    """(period, note). Nearest dated expression in the clause, sentence-initial ones cover all."""
    lo, hi = _clause(s, c.start, c.end)
    just_before = s[max(lo, c.start - 25) : c.start]
    if _CURRENT_BEFORE.search(just_before):
        return None, "current level"
    own_lo = max(lo, c.start - 60, siblings.last_end_before(c.start) if siblings else 0)
    if _found_in(_HABITUAL, s, own_lo, c.start):
        return None, "usual level, no period stated"
    dates, ends = _dates(s)
    if not dates:
        if _found_in(_NO_PERIOD, s, *_window_bounds(s, c, 60, 40)):
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


# --- commodity --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _commodities(s: str) -> tuple[list[tuple[int, int, str]], list[int], list[int]]:
    """Commodity words of a sentence in order: (start, end, label), their starts, their ends."""
    found = [(m.start(), m.end(), lex.commodity_label(m)) for m in lex.commodity_regex().finditer(s)]
    return found, [x[0] for x in found], [x[1] for x in found]


_GAS = re.compile(r"\bgas\b", re.I)


def _commodity(s: str, c: _Cand) -> str | None:
    """The commodity word nearest the figure inside its clause (the one before wins a tie)."""
    lo, hi = _clause(s, c.start, c.end)
    found, starts, ends = _commodities(s)
    best: tuple[int, str] | None = None
    k = bisect.bisect_right(ends, c.start) - 1
    if k >= 0 and found[k][0] >= lo:
        best = (c.start - found[k][1], found[k][2])
    j = bisect.bisect_left(starts, c.end)
    if j < len(found) and found[j][1] <= hi and (best is None or found[j][0] - c.end < best[0]):
        best = (found[j][0] - c.end, found[j][2])
    if best is None and c.unit in ("bcm", "m3") and _GAS.search(s):
        return "natural gas"
    return best[1] if best else None


# --- article context --------------------------------------------------------------------------


_CITED_YEAR = re.compile(rf"(?<!\bby\s)(?<!\bto\s)(?<!\buntil\s)(?<!\btill\s)\b({_YEAR})\b", re.I)


def _article_ctx(title: str, body: str, page_date: dt.date | None) -> _Ctx:
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
    return _Ctx(home, pair, cur, page_date, title + "\n" + body, title_pair=title_pair, year_evidence=bool(years))


# --- main -------------------------------------------------------------------------------------


_FLOW_CUE = re.compile(r"\b(?:export\w*+|import\w*+|suppl(?:y|ies|ied)|shipments?|deliver\w*+|trade|turnover)\b",
                       re.I)


_ELSEWHERE = re.compile(
    r"\b(?:countries|nations|states|markets|world\w*+|global\w*+|abroad|foreign|international\w*+|region\w*+|"
    r"neighbo\w++|partners|Asia\w*+|Europe\w*+|Africa\w*+|America\w*+|Gulf|CIS|EAEU|Eurasian)\b"
)
_FREIGHT = re.compile(r"\b(?:freight|cargo|transport\w*+|shipments?|transit)\b", re.I)


def _flow_of_pair(metric: str, s: str, ms: list[_Ment], reporter: str | None) -> bool:
    """Whether a figure is a flow of the article's pair: a trade flow (or freight) naming no third party."""
    # exports or imports with no destination named are usually the country's totals, so they stay open
    if metric not in ("trade_turnover", "deal") and not (metric == "other" and _found_in(_FREIGHT, s, 0, len(s))):
        return False
    return all(m.code == reporter for m in ms if not m.weak) and not _found_in(_ELSEWHERE, s, 0, len(s))


# Plans, forecasts and past-tense comparisons are not figures of the article's reporting period.
_NOT_REPORTED = re.compile(
    r"\b(?:will|would|plans?|planned|aims?|expects?|expected|targets?|goal|could|potential\w*+|forecasts?|"
    r"projected|ahead|previously|future|annually|average|past|years|decades?|seeks?)\b",
    re.I,
)
_DATED_YEAR_GROUPS = ("mry", "my", "dy", "dy2", "fy", "hy", "qy", "qsy")


def _note_report_year(s: str, ctx: _Ctx) -> None:
    """Remember the year of the sentence's last month-qualified date ("January-September 2024")."""
    for m in _dates(s)[0]:
        for name in _DATED_YEAR_GROUPS:
            year = m.group(name)
            if year and year.isdigit():
                ctx.report_year = int(year)


def _sentence_figures(
    s: str, in_title: bool, ctx: _Ctx, sent_idx: int, prev_text: str
) -> list[TradeFigure]:
    follows = ctx.prev is not None and sent_idx - ctx.prev_sent_idx <= 1 and not in_title
    cands = [c for c in _find_candidates(s, ctx.text) if _keep(s, c, in_title, follows)]
    if not cands:
        return []
    prev_ms = _mentions(prev_text) if prev_text else []
    ms = _mentions(s)
    anaphoric = bool(_ANAPHOR.search(s))
    recent = ctx.prev is not None and sent_idx - ctx.prev_sent_idx <= 2 and not in_title
    out: list[TradeFigure] = []
    siblings = _Siblings(cands, s)
    for c in cands:
        metric, explicit = _metric(s, c)
        inherit = recent and ctx.prev is not None and (anaphoric or metric is None)
        # "It reached $540 million": no cue of its own, the previous figure's metric carries over
        if ctx.prev is not None and ((metric is None and inherit) or (anaphoric and recent and not explicit)):
            metric = ctx.prev.metric
        if metric is None:
            if c.kind != "money":
                continue  # quantities/percent/fold need a cue (precision first)
            metric = "other"
        metric = _refine_metric(metric, s, c)
        reporter, partner, found = _rp(metric, s, c, ms, ctx.home, siblings)
        if inherit and ctx.prev is not None and (not found or partner is None):
            if ctx.prev.metric == metric or metric in CORE_METRICS:
                reporter = reporter or ctx.prev.reporter_country
                partner = partner if partner is not None else ctx.prev.partner_country
        elif (not found and metric in CORE_METRICS and ctx.prev is not None and ctx.prev.metric == metric
              and sent_idx - ctx.prev_sent_idx <= 3 and ctx.prev.partner_country is not None):
            # no country here: the same flow as the article's last figure ("the first shipment comprises ...")
            reporter, partner = ctx.prev.reporter_country, ctx.prev.partner_country
        elif not found and metric in ("trade_turnover", "deal") and ctx.pair[1] and _sentence_has(s, "bilateral"):
            # "the two countries' bilateral trade": the article's pair, its home country first
            reporter, partner = ctx.pair
        elif not found and metric in CORE_METRICS and prev_ms:
            # no country in this sentence: the flow was set up in the previous sentence
            at_end = _Cand(len(prev_text), len(prev_text), "", 0.0, c.unit, c.kind)
            r2, p2, f2 = _rp(metric, prev_text, at_end, prev_ms, ctx.home)
            if f2:
                reporter, partner = r2, p2
        if (partner is None and metric in CORE_METRICS and reporter is not None and not inherit
                and prev_ms and _FLOW_CUE.search(prev_text)):
            # the counterpart was named in the previous sentence about the same flow
            # ("X began importing gas from Y. A deal set daily supplies at 9 million m3.")
            others = {m.code for m in prev_ms if not m.weak and m.code not in (reporter, EU)}
            if len(others) == 1 and not any(m.code not in (reporter, EU) for m in ms if not m.weak):
                partner = others.pop()
        if metric in ("trade_turnover", "deal") and partner is None and _sentence_has(s, "bilateral"):
            rep0, par0 = ctx.pair
            reporter = reporter or rep0
            partner = par0 if par0 != reporter else rep0
        if reporter is None:
            reporter = ctx.home if ctx.home != partner else None
        if partner is None and ctx.title_pair and reporter in ctx.title_pair and _flow_of_pair(metric, s, ms, reporter):
            # an article about two countries ("Kazakhstan Welcomes Turkish Investors"): a flow of one with no
            # counterpart named nearby is with the other
            partner = ctx.title_pair[1] if reporter == ctx.title_pair[0] else ctx.title_pair[0]
        period, pnote = _period(s, c, ctx, siblings)
        if period is None and pnote is None and inherit and ctx.prev is not None:
            period = ctx.prev.period
        elif (period is None and pnote is None and ctx.report_period and not in_title
              and (metric in CORE_METRICS or (metric == "other" and _found_in(_FREIGHT, s, 0, len(s))))
              and not _found_in(_NOT_REPORTED, s, 0, len(s))):
            # "In January-September 2024, ... Of that amount, 5 million tons were exported": the article's period
            period, pnote = ctx.report_period, "period of the article's reporting range"
        elif period and ".." in period and not period.endswith("..") and not in_title and pnote is None:
            ctx.report_period = period
        commodity = _commodity(s, c)
        if commodity is None and inherit and ctx.prev is not None:
            commodity = ctx.prev.commodity
        notes = [n for n in (c.note, pnote) if n]
        fig = TradeFigure(
            figure_text=c.text,
            value=c.value,
            unit=c.unit,
            kind=c.kind,
            metric=metric,
            reporter_country=reporter,
            partner_country=partner,
            commodity=commodity,
            period=period,
            sentence=s,
            in_title=in_title,
            note="; ".join(notes) or None,
        )
        out.append(fig)
        if not in_title:
            ctx.prev = fig
            ctx.prev_sent_idx = sent_idx
    return out


def extract_trade_figures(title: str, body: str, page_date: dt.date | None) -> list[TradeFigure]:
    """Trade figures of one article, title figures first, then body order."""
    ctx = _article_ctx(title, body, page_date)
    title = title.strip()
    title_figs: list[TradeFigure] = []
    for a, b in cap_spans(title, 0, len(title)):  # a title is one sentence; an endless one is cut like one
        title_figs.extend(_sentence_figures(title[a:b], True, ctx, -100, ""))
    body_figs: list[TradeFigure] = []
    sent_idx = 0
    # every line is a paragraph (spec 2: consecutive text lines count separately); sentences never
    # cross a line break
    prev_text = ""  # the previous sentence, across paragraphs: an article sets up a flow, then details it
    for para in (ln for ln in body.split("\n") if ln.strip()):
        for s0, s1 in split_sentences(para):
            s = para[s0:s1]
            body_figs.extend(_sentence_figures(s, False, ctx, sent_idx, prev_text))
            _note_report_year(s, ctx)
            prev_text = s
            sent_idx += 1
    # A title figure usually restates a body figure: take the body's attribution when values agree.
    first_of: dict[tuple[str, float], TradeFigure] = {}
    for bf in body_figs:
        first_of.setdefault((bf.unit, bf.value), bf)
    linked: list[TradeFigure] = []
    for tf in title_figs:
        twin = first_of.get((tf.unit, tf.value))
        if twin is not None:
            # the headline's own wording wins; the body fills what the headline leaves open
            tf = replace(
                tf,
                metric=tf.metric if tf.metric != "other" else twin.metric,
                reporter_country=tf.reporter_country or twin.reporter_country,
                partner_country=tf.partner_country or twin.partner_country,
                commodity=tf.commodity or twin.commodity,
                period=tf.period or twin.period,
            )
        linked.append(tf)
    return linked + body_figs
