"""Tokens, claimed characters and bounded matching: what every entity pass reads the text with.

Every step is linear in the text (tests/unit/test_entities_linear.py): patterns are written to match
one way only (possessive quantifiers, runs consumed even when the rest fails), and they run on lines
cut into pieces of bounded length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A capitalised word: a capital, then word characters, with inner hyphens, apostrophes and dots
# ("Kassym-Jomart", "O’Hara", "U.S.-Kazakh"). Written so that it matches one way only (every
# quantifier possessive, punctuation and word runs disjoint): "A-A-A-…" cannot be split in
# exponentially many ways between one word and a run of words.
CAP = r"[A-Z]\w*+(?:[-'’.]++\w++)*+"
# A run of capitalised words; possessive because every pattern below follows it with a lower-case
# word or punctuation, which a shorter run could not make match either.
CAP_RUN = rf"{CAP}(?: {CAP})*+"
# Where a run may start: not inside a word ("\b"), nor right after a capital and one of the word's
# inner marks ("A-A-A-…"). A match from there would end where the match from the word's first
# capital ends, so skipping those starts changes nothing but the time spent on failures.
RUN_START = r"\b(?<![A-Z][-'’.])"
# CAP_RUN from a RUN_START, with that test written after the first capital ("A(?<!\wA)…" is "\bA…"):
# the pattern then opens with [A-Z], and the engine skips to capitals in C instead of trying each
# character. Same matches, same groups.
STARTED_CAP_RUN = rf"[A-Z](?<!\w[A-Z])(?<![A-Z][-'’.][A-Z])\w*+(?:[-'’.]++\w++)*+(?: {CAP})*+"
_TOKEN_RE = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., U.N.
    r"|[A-Z]\.(?= [A-Z])"  # an initial: Donald J. Trump
    r"|(?:St|Dr|Mr|Mrs|Ms|Prof|Gen|Col|Lt|Jr|Sr|Sen|Rep|Gov)\.(?= [A-Z])"
    r"|\d+(?:[.,]\d+)*(?:-\w+)*"
    # words, O’Hara, Kassym-Jomart, Kaspi.kz: word runs joined by a mark a word character follows
    # (runs taken whole rather than one character per alternation: the same match, faster)
    r"|[^\W\d_]\w*+(?:(?:['’-]|\.(?=[a-z]))(?=\w)\w*+)*+"
    r"|\S"
)
POSS_RE = re.compile(r"(?:['’]s|s['’])$")
_SPACE = " \u00a0"


@dataclass(slots=True)
class Tok:
    start: int
    end: int
    text: str  # possessive stripped
    poss: bool
    cap: bool
    sent_start: bool



_POSS_ENDS = ("'s", "’s", "s'", "s’")  # what POSS_RE finds (a token holds no newline for "$" to stop at)


def tokenize(text: str) -> list[Tok]:
    # The hottest loop of entity extraction: string tests instead of a regex per token, bound methods.
    toks: list[Tok] = []
    append = toks.append
    sent_start = _BackScan(text).sent_start
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        start = m.start()
        word = raw
        poss = raw.endswith(_POSS_ENDS) and len(raw) > 2 and raw[0].isalpha() and raw != "People's"
        if poss:
            word = raw[:-1] if raw[-2] == "s" else raw[:-2]  # "Kazakhs’" keeps its s, "Tokayev’s" does not
        append(Tok(start, start + len(word), word, poss, word[:1].isupper(), sent_start(start)))
    return toks


_OPENERS = frozenset(" \u00a0\t“\"‘'([«—–-")  # skipped when looking back for a sentence end


class _BackScan:
    """Whether a token opens a sentence: the last character before it that is no space, quote or
    bracket ends a sentence. Asked for increasing positions; it remembers how far back it already
    looked, so a run of ten thousand quotes is walked once, not once per quote."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.asked = 0  # the position asked last
        self.found = -1  # the last non-opener before it (-1: none)

    def sent_start(self, i: int) -> bool:
        j = i - 1
        while j >= self.asked and self.text[j] in _OPENERS:
            j -= 1
        if j < self.asked:  # only openers back to the last position asked: the same answer as there
            j = self.found
        self.asked, self.found = i, j
        return j < 0 or self.text[j] in ".!?\n:;…"


def gap_ok(text: str, a: Tok, b: Tok) -> bool:
    """Two tokens are in one name only when separated by one space and nothing else."""
    return b.start - a.end == 1 and text[a.end] in _SPACE and not a.poss


class Mask:
    """Characters already claimed by an org, place or person mention."""

    def __init__(self, n: int) -> None:
        self.owner: list[int] = [0] * n

    def free(self, start: int, end: int) -> bool:
        return not any(self.owner[start:end])

    def claim(self, start: int, end: int, kind: int = 1) -> None:
        for i in range(start, end):
            self.owner[i] = kind


# --------------------------------------------------------------------------------------------------
# Bounded matching: the patterns run line by line, over-long lines cut into pieces of at most
# _MAX_PIECE characters, so that even a pattern that retries a run from each of its words costs
# O(_MAX_PIECE) per character: linear in the text. Real sentences are far shorter than a piece.

_MAX_PIECE = 600
_PIECE_END_RE = re.compile(r"(?<=[a-z0-9)”\"’])[.!?;]\s|\s")  # a sentence end, or else a space


def line_pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines of `text`, an over-long line cut after its last sentence end (or
    else space) in the second half of each piece."""
    out: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        a, end = start, start + len(line)
        while end - a > _MAX_PIECE:
            sentence_end = space = 0
            for m in _PIECE_END_RE.finditer(text, a + _MAX_PIECE // 2, a + _MAX_PIECE):
                if m.group()[0].isspace():
                    space = m.end()
                else:
                    sentence_end = m.end()
            cut = sentence_end or space or a + _MAX_PIECE
            out.append((a, cut))
            a = cut
        out.append((a, end))
        start = end + 1
    return out


def find_bounded(rx: re.Pattern[str], text: str, pieces: list[tuple[int, int]] | None = None) -> list[re.Match[str]]:
    """Every match of `rx` within one piece of `text`; offsets are offsets in `text`."""
    out: list[re.Match[str]] = []
    runs_only = "tail" in rx.groupindex  # see orgs._COURT_RE
    for a, b in pieces if pieces is not None else line_pieces(text):
        out.extend(m for m in rx.finditer(text, a, b) if not runs_only or m.group("tail") is not None)
    return out



def span_text(text: str, a: int, b: int) -> str:
    return " ".join(text[a:b].replace("\u00a0", " ").split())
