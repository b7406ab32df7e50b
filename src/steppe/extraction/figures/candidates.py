"""Candidate figures: money, quantity, percent and N-fold spans of a sentence, with their values.

Patterns are free of nested or overlapping quantifiers (white-space runs are possessive, a digit run is
entered once), so that finding the spans is linear in the sentence.
"""

from __future__ import annotations

import bisect
import functools
import re

from steppe.extraction.figures import lexicon as lex
from steppe.extraction.figures.numbers import (
    DIGIT_NUMBER,
    NUMBER,
    NUMBER_START,
    SCALE_GLUED,
    SCALE_WORD,
    parse_fold_word,
    parse_number,
    scale_factor,
)
from steppe.extraction.figures.scans import sentence_has
from steppe.extraction.figures.spans import Cand
from steppe.extraction.model import FigureKind


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
    # Where a currency sign or code can start (their first characters), and a number (NUMBER_START):
    # look aheads that skip, at one test per character, the positions where no branch can match.
    cur_start = "(?=[" + re.escape("".join(sorted({c[0] for c in [*lex.SYMBOLS, *lex.CODES]}))) + "])"
    # a year never opens a range ("held by 2024 to 450 million somoni")
    two = (rf"{NUMBER_START}(?!(?:19|20)\d\d(?:[-–—]|\s?to\s)){_num_group('a')}"
           rf"(?:{_RANGE_SEP}(?:{sym})?\s?{_num_group('b')})?")
    return {
        # "$1.4 billion", "US$500m", "$2-3 billion", "KZT 5 billion"
        "money_pre": re.compile(rf"{cur_start}(?P<cur>{sym}|\b(?:{codes})\b)\s?{two}"),
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


def find_candidates(s: str, ctx: str) -> list[Cand]:
    """All figure spans of sentence s (ctx: article text for ambiguous currency names)."""
    if not _MAYBE_NUMBER.search(s):
        return []  # cheap pre-check: most sentences hold no number at all
    low = s.lower()
    # Cheap keyword gates per pattern: the number-led regexes are the slow part.
    has_pct = "%" in s or "cent" in low or "pct" in low
    has_fold = "fold" in low or "times" in low
    found = [*_money(s, ctx), *_quantities(s)]
    if has_pct:
        found += _percents(s)
    if has_fold:
        found += _folds(s)
    return _add_elliptical(s, _longest_of_overlaps(found))


def _money(s: str, ctx: str) -> list[Cand]:
    """"$1.4 billion", "KZT 5 billion", "500 million tenge": a currency before or after the number."""
    pats = _patterns()
    found: list[Cand] = []
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
    return found


def _quantities(s: str) -> list[Cand]:
    """"1.4 million tons", "3 billion cubic meters" (as bcm), "2.5 GW", "300 units of" equipment."""
    found: list[Cand] = []
    for m in _patterns()["quantity"].finditer(s):
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
    return found


def _percents(s: str) -> list[Cand]:
    """"12.5%", "3 per cent"."""
    found: list[Cand] = []
    for m in _patterns()["percent"].finditer(s):
        found.extend(_split(m, _values(m), "percent", "percent"))
    return found


def _folds(s: str) -> list[Cand]:
    """"5.5-fold", "threefold", and "2.6 times" after a change verb or before a comparative."""
    found: list[Cand] = []
    for m in _patterns()["fold"].finditer(s):
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
            found.append(Cand(m.start(), m.end(), m.group(0), v, "fold", "ratio"))
    return found


def _longest_of_overlaps(found: list[Cand]) -> list[Cand]:
    """Overlaps: keep the longest span (a "$5 billion" beats a bare "5 billion"); then order by start."""
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Cand] = []
    for c in found:
        if out and c.start < out[-1].end:
            if (c.end - c.start) > (out[-1].end - out[-1].start) and c.start == out[-1].start:
                out[-1] = c
            continue
        out.append(c)
    return out


# "495,000 tons to A, 639,000 tons to B, and 666,000 to C": the last number leaves out the unit of its list.
_BARE_IN_LIST = re.compile(
    rf"(?:,\s*+(?:and\s++)?|\band\s++)(?P<n>{DIGIT_NUMBER})(?=\s++(?:to|from|in|for|of)\b|\s*+[,;.]|\s*+$)"
)
_TRAILING_UNIT = re.compile(r"[^\W\d][^\d]{0,40}$")


def _add_elliptical(s: str, cands: list[Cand]) -> list[Cand]:
    """Bare thousands in a list of figures that share a unit written after the number ("tons")."""
    if len(cands) < 2 or "," not in s:
        return cands
    extra: list[Cand] = []
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
        extra.append(Cand(start, m.end("n"), m.group("n"), value, prev.unit, prev.kind, "unit from its list"))
    return sorted(cands + extra, key=lambda c: c.start) if extra else cands


def _split(m: re.Match[str], vals: list[float], unit: str, kind: FigureKind) -> list[Cand]:
    """One candidate per number; a range ("$2-3 billion") gives its two ends, same text span."""
    text = m.group(0).strip()
    if len(vals) == 2 and (m.group("as") or m.group("ag")) and not (m.group("bs") or m.group("bg")):
        # "$1.2 billion to 80 countries": not a range, the scale shows the first number is complete
        end = m.end("as") if m.group("as") else m.end("ag")
        return [Cand(m.start(), end, m.string[m.start() : end].strip(), vals[0], unit, kind)]
    if len(vals) == 1:
        return [Cand(m.start(), m.end(), text, vals[0], unit, kind)]
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
        Cand(m.start(), m.start("b"), lower_text, vals[0], unit, kind, "range: lower end", m.start()),
        Cand(m.start("b"), m.end(), upper_text, vals[1], unit, kind, "range: upper end", m.start()),
    ]


# lex.NAMES keyed case-insensitively ("Tenge", "US Dollars"); no two names differ only in case.
_NAMES_LOWER = {k.lower(): v for k, v in lex.NAMES.items()}


def _resolve_currency(name: str, sentence: str, ctx: str) -> str | None:
    code = lex.SYMBOLS.get(name) or lex.CODES.get(name) or _NAMES_LOWER.get(name.lower())
    if code is None:
        return None
    if name == "¥":
        return "JPY" if sentence_has(sentence, "japan") else "CNY"
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
