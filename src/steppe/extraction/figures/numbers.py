"""Number parsing for figure extraction: digits, number words and scale words.

Kept apart from the candidate patterns so the grammar can be reused (and tested) on its own.
The regex fragments are meant to be embedded in larger patterns with named groups.
"""

from __future__ import annotations

import re

_ONES: dict[str, float] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS: dict[str, float] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3, "k": 1e3, "thou": 1e3,
    "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "mio": 1e6,
    "billion": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9,
    "trillion": 1e12, "trln": 1e12, "trn": 1e12, "tn": 1e12,
}

_WORD_ATOM = "|".join(sorted([*_ONES, *_TENS], key=len, reverse=True))
# "twenty-five", "one hundred", "a half", "half a", "one and a half", "a" (as in "a billion")
# Every run of white space is possessive (\s++): it is always followed by a word, so giving
# characters back could never help a match, and a long run is then scanned once, not once per split.
WORD_NUMBER = (
    rf"(?:(?:{_WORD_ATOM})(?:[-\s](?:{_WORD_ATOM}))?(?:\s++hundred(?:\s++(?:and\s++)?(?:{_WORD_ATOM}))?)?"
    r"(?:\s++and\s++a\s++half)?|half\s++an?|a\s++half|an?(?=\s++(?:thousand|million|billion|trillion)\b))"
)
# 1,234,567.89 | 1234.5 | .5 is not used in news copy, so it is not accepted.
# Linear on long digit runs: a number starts only where no digit or comma precedes it (not inside
# "1111…" or "1,1,1…"), and the atomic group never re-splits the digits it took.
DIGIT_NUMBER = r"(?<![\d,])(?>\d{1,3}(?:,\d{3})++(?!\d)(?:\.\d++)?|\d++(?:\.\d++)?)"
NUMBER = rf"(?:{DIGIT_NUMBER}|\b(?i:{WORD_NUMBER})\b)"
# The first two characters any NUMBER can start with (a digit, or a number word's, case folded): put
# before a pattern that opens with a number, it rules out most positions in one cheap test.
NUMBER_START = r"(?=\d|(?i:ze|on|tw|th|f[io]|s[ie]|ei|ni|te|el|ha|a[n\s]))"
# Scale words spelled out or abbreviated; the one-letter forms must be glued to the digits
# ("$500m", "$2bn") so that "5 m" (metres) or "b" in prose never scale a number.
SCALE_WORD = r"(?i:thousand|million|billion|trillion|mln|bln|trln|bn|mn|trn|tn|mio)\b"
SCALE_GLUED = r"(?:bn|mn|m|k|b|tn|M|B|K|BN|Bn)\b"


def parse_number(text: str) -> float | None:
    """Digits or English number words to a float ("1,400.5", "twenty-five", "half a")."""
    t = text.strip().lower().replace("\u00a0", " ")
    if not t:
        return None
    if t[0].isdigit():
        try:
            return float(t.replace(",", ""))
        except ValueError:
            return None
    t = re.sub(r"\s+", " ", t)
    if t in ("half a", "half an", "a half"):
        return 0.5
    if t in ("a", "an"):
        return 1.0
    half = 0.0
    if t.endswith(" and a half"):
        half = 0.5
        t = t[: -len(" and a half")]
    total = 0.0
    current = 0.0
    for tok in re.split(r"[\s-]+", t):
        if tok == "and":
            continue
        if tok in _ONES:
            current += _ONES[tok]
        elif tok in _TENS:
            current += _TENS[tok]
        elif tok == "hundred":
            current = (current or 1.0) * 100
        else:
            return None
    total += current
    return total + half


def scale_factor(word: str | None) -> float:
    """Multiplier of a scale word; 1 for None or unknown."""
    if not word:
        return 1.0
    return SCALES.get(word.strip().lower(), 1.0)


_FOLD_WORDS: dict[str, float] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "hundred": 100, "thousand": 1000, "twenty": 20,
}


def parse_fold_word(word: str) -> float | None:
    """'twofold' / 'tenfold' prefix to its number."""
    return _FOLD_WORDS.get(word.lower())
