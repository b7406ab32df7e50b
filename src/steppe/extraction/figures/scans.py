"""What the figures of a sentence all ask of it, scanned once per sentence and looked up by bisection.

Per-sentence scans are cached on the sentence (its hash is computed once), so that each candidate of
a sentence costs a few bisections instead of a fresh scan of the whole sentence: clause cuts, the
matches of a word list, and the cue families of a sentence.
"""

from __future__ import annotations

import bisect
import functools
import re

from steppe.extraction.figures.spans import Cand

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


def clause_bounds(s: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause around a span: cut at ';', ' but ', ' while ', ' whereas ', '—' pairs."""
    opens, closes = _clause_cuts(s)
    i = bisect.bisect_right(opens, start) - 1
    j = bisect.bisect_left(closes, end)
    return (opens[i] if i >= 0 else 0), (closes[j] if j < len(closes) else len(s))


def clause_window(s: str, c: Cand, before: int = 70, after: int = 50) -> str:
    lo, hi = clause_bounds(s, c.start, c.end)
    return s[max(lo, c.start - before) : min(hi, c.end + after)]


@functools.lru_cache(maxsize=64)
def _hits(pattern: re.Pattern[str], s: str) -> tuple[list[int], list[int]]:
    """Starts and ends of a word list's matches in a sentence (scanned once per sentence)."""
    found = [(m.start(), m.end()) for m in pattern.finditer(s)]
    return [a for a, _ in found], [b for _, b in found]


def found_in(pattern: re.Pattern[str], s: str, lo: int, hi: int) -> bool:
    """Whether a match of pattern in s overlaps s[lo:hi]; a few bisections instead of a rescan per figure."""
    starts, ends = _hits(pattern, s)
    k = bisect.bisect_right(ends, lo)  # the first match ending after lo (matches never overlap)
    return k < len(starts) and starts[k] < hi


def clause_window_bounds(s: str, c: Cand, before: int = 70, after: int = 50) -> tuple[int, int]:
    lo, hi = clause_bounds(s, c.start, c.end)
    return max(lo, c.start - before), min(hi, c.end + after)


_SENTENCE_FLAGS = {
    "central_bank": re.compile(r"\bcentral\s++bank|national\s++bank|\bnbk\b", re.I),
    "development_bank": re.compile(r"\b(?:ADB|World\s++Bank|EBRD|Asian\s++Development\s++Bank|IsDB|AIIB|"
                                   r"Islamic\s++Development\s++Bank|USAID)\b"),
    "japan": re.compile(r"\bJapan\w*+|\byen\b"),
    "bilateral": re.compile(r"\b(?:bilateral|mutual|two\s++countries|both\s++countries|two\s++nations|"
                            r"the\s++(?:two\s++)?sides|the\s++parties|both\s++sides)\b", re.I),
}


@functools.lru_cache(maxsize=64)
def sentence_has(s: str, flag: str) -> bool:
    """Whether the sentence holds one of the cue families of _SENTENCE_FLAGS (scanned once per sentence)."""
    return _SENTENCE_FLAGS[flag].search(s) is not None
