"""Sentence splitting for figure extraction (spec 7: "Dr.", "U.S." never end a sentence).

Returns character spans so that sentences stay exact slices of the paragraph (NBSPs kept).
Linear in the paragraph: each pattern starts only at the head of a run and never backtracks into
it, the word before a full stop is read from a short window, and an overlong "sentence" (no real
one comes near MAX_SENTENCE_CHARS) is cut at white space so that the per-sentence work of the
extractor stays bounded.
"""

from __future__ import annotations

import re

# Real sentences of the site stay under 500 characters; anything longer is run-on text or noise.
MAX_SENTENCE_CHARS = 1000
_ABBREV_WINDOW = 24  # the longest abbreviation with its dots ("u.s.a") is far shorter

# Abbreviations whose full stop does not end a sentence, even before a capital letter.
_ABBREV = {
    "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "rev", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "ave", "mt",
    "fig", "vol", "art", "e.g", "i.e", "u.s", "u.k", "u.n", "u.s.a", "e.u", "p.m", "a.m",
}

# A candidate boundary: a run of terminal punctuation (taken whole, from its first character),
# optional closing quotes/brackets, then white space.
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"”’)\]]*+(?=\s)")
_NEXT_START = re.compile(r"(?<!\s)\s++[\"“‘(\[]?[A-Z0-9\u00c0-\u024f]")
_INITIAL = re.compile(r"[a-z]|(?:[a-z]\.)+[a-z]")


def _word_before(paragraph: str, start: int, stop: int) -> str:
    """The word before a full stop at `stop`, its inner dots included ("U.S", "Dr", "J"), lower case."""
    window = paragraph[max(start, stop - _ABBREV_WINDOW) : stop]
    # scan back over word characters and dots; a regex search here would retry every position
    i = len(window)
    while i > 0 and (window[i - 1].isalnum() or window[i - 1] in "._"):
        i -= 1
    return window[i:].lower()


def _is_abbreviation(word: str) -> bool:
    return word in _ABBREV or _INITIAL.fullmatch(word) is not None


def cap_spans(paragraph: str, s: int, e: int) -> list[tuple[int, int]]:
    """Cut an overlong span at white space (or hard, if it has none) into pieces of at most MAX_SENTENCE_CHARS."""
    out: list[tuple[int, int]] = []
    while e - s > MAX_SENTENCE_CHARS:
        cut = paragraph.rfind(" ", s + MAX_SENTENCE_CHARS // 2, s + MAX_SENTENCE_CHARS)
        cut = cut if cut > s else s + MAX_SENTENCE_CHARS
        out.append((s, cut))
        s = cut
    out.append((s, e))
    return out


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of one paragraph, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        end = m.end()
        if not _NEXT_START.match(paragraph, end):
            continue
        punct = m.group(0)
        if punct.startswith(".") and len(punct.rstrip("\"”’)]")) == 1 and _is_abbreviation(
            _word_before(paragraph, start, m.start())
        ):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(paragraph)))
    out: list[tuple[int, int]] = []
    for s0, e0 in spans:
        s, e = s0, e0
        while s < e and paragraph[s].isspace():
            s += 1
        while e > s and paragraph[e - 1].isspace():
            e -= 1
        for a, b in cap_spans(paragraph, s, e):
            # trim again: a cut at white space leaves it at the piece's edge
            while a < b and paragraph[a].isspace():
                a += 1
            while b > a and paragraph[b - 1].isspace():
                b -= 1
            if b > a:
                out.append((a, b))
    return out
