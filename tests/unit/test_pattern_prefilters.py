"""The speed-ups that test a pattern's first characters before its costly part match what the plain
patterns matched (tools/extraction_snapshot.py proves it on the corpus; these pin the edge cases)."""

from __future__ import annotations

import re

import pytest

from steppe.extraction.entities.tokens import CAP_RUN, RUN_START, STARTED_CAP_RUN, tokenize
from steppe.extraction.figures.numbers import _WORD_ATOM, NUMBER, NUMBER_START
from steppe.extraction.gazetteer import trie_regex

EDGES = (
    "Kazakhstan x.Kazakhstan .Kazakhstan -Kazakhstan Kazakhstan-led aKazakhstan 1Kazakhstan _Kazakhstan "
    "Kazakhstan.kz Russia's U.S.-Kazakh A-B A'B x’Ab É Kazakh Central Asia, Central Asian\nKazakhstan"
)


def _matches(rx: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


@pytest.mark.parametrize("not_after", [r"[\w.]", r"[\w.-]", r"\w"])
def test_trie_look_behind_after_first_character(not_after: str) -> None:
    forms = ["Kazakhstan", "Kazakh", "Russia", "U.S.", "Central Asia", "Central Asian", "A", "-B"]
    plain = re.compile(rf"(?<!{not_after})(?:{trie_regex(forms)})(?!\w)")
    guarded = re.compile(rf"(?:{trie_regex(forms, not_after=not_after)})(?!\w)")
    for start in range(0, len(EDGES), 7):  # also from inside the text: the look-behind sees before pos
        assert _matches(guarded, EDGES[start:]) == _matches(plain, EDGES[start:])
        assert [m.span() for m in guarded.finditer(EDGES, start)] == [m.span() for m in plain.finditer(EDGES, start)]


def test_started_cap_run_is_run_start_then_cap_run() -> None:
    plain, started = re.compile(rf"{RUN_START}({CAP_RUN})"), re.compile(rf"({STARTED_CAP_RUN})")
    for start in range(len(EDGES)):
        assert [m.span(1) for m in started.finditer(EDGES, start)] == [m.span(1) for m in plain.finditer(EDGES, start)]


def test_number_start_admits_every_number() -> None:
    words = [*_WORD_ATOM.split("|"), "half a", "a half", "a thousand", "an million", "a\u00a0half"]
    starts = re.compile(NUMBER_START)
    for word in words:
        for form in (word, word.upper(), word.title()):
            assert starts.match(form), form
    text = " ".join(words) + " 1,234.5 12 ٣ x5 Five-fold"
    assert [m.span() for m in re.finditer(rf"{NUMBER_START}{NUMBER}", text)] == [
        m.span() for m in re.finditer(NUMBER, text)
    ]


def test_tokens_of_marks_between_words() -> None:
    words = [t.text for t in tokenize("a.b a.B a-b a- -a a'b a''b a'-b Kaspi.kz. O’Hara-Smith Kazakhs’ People's")]
    assert words == ["a.b", "a", ".", "B", "a-b", "a", "-", "-", "a", "a'b", "a", "'", "'", "b", "a", "'", "-", "b",
                     "Kaspi.kz", ".", "O’Hara-Smith", "Kazakhs", "’", "People's"]
