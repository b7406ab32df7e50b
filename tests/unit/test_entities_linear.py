"""Every regular expression of the entity extractor, and the extractor itself, take time linear in their input.

Each pattern is timed on its worst inputs (long runs of what it repeats, then a character that makes it
fail) at 1k, 10k and 100k characters: ten times the input may cost ten times the time (with slack for a
busy machine), never the hundred times of a quadratic pattern.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import re
import time
from collections.abc import Callable

import pytest

from steppe.extraction import entities
from steppe.extraction.entities import extract_entities, find_bounded, tokens
from steppe.extraction.gazetteer import gazetteer

SIZES = (1_000, 10_000, 100_000)
SLACK = 3.0  # linear growth is 10x per step; a quadratic one is 100x


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.iter_modules(entities.__path__, prefix=f"{entities.__name__}."):  # every pass's module
        module = importlib.import_module(info.name)
        found.update((name, rx) for name, rx in vars(module).items() if isinstance(rx, re.Pattern))
    g = gazetteer()
    found.update(gazetteer_orgs=g.org_re, gazetteer_places=g.place_re, gazetteer_countries=g.country_re)
    return found


# What the patterns repeat: capitalised words (runs of names), hyphenated capitals, comma lists, quotes,
# the lower-case words the org, court and place patterns chain, possessives and initials.
UNITS = (
    "Alpha ", "A-", "Ab-", "Alpha's ", "Aa, ", "Alpha, Beta and ", "“A ", '"', "A.", "aA", "criminal ",
    "district ", "ministry of ", "Alpha Ministry ", " ",
)


def _best_time(run: Callable[[], object], rounds: int = 3) -> float:
    """The best of a few runs, garbage collection paused: the other processes and the collector
    only ever add time."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(rounds):
            t0 = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - t0)
    finally:
        gc.enable()
    return best


def _count(rx: re.Pattern[str], text: str) -> int:
    return sum(1 for _ in rx.finditer(text))


def _assert_linear(times: list[float], what: str) -> None:
    for (n1, t1), (n2, t2) in zip(zip(SIZES, times, strict=True), zip(SIZES[1:], times[1:], strict=True),
                                  strict=False):
        budget = t1 * (n2 / n1) * SLACK + 0.02  # the constant absorbs timer noise on tiny inputs
        assert t2 <= budget, f"{what}: {n1} chars in {t1:.4f}s but {n2} in {t2:.4f}s (budget {budget:.4f}s)"


def _worst(unit: str, size: int) -> str:
    return unit * (size // len(unit)) + "!"


@pytest.mark.parametrize("name", sorted(_patterns()))
def test_each_pattern_is_linear_on_its_worst_inputs(name: str) -> None:
    rx = _patterns()[name]
    for unit in UNITS:
        texts = [_worst(unit, n) for n in SIZES]
        times = [_best_time(lambda t=t: _count(rx, t), rounds=2) for t in texts]  # type: ignore[misc]
        _assert_linear(times, f"{name} on {unit!r}")


@pytest.mark.parametrize("unit", ["Alpha ", "Kazakh Ministry ", "A-", '"', "“A ", "Alpha, Beta and "])
def test_extract_entities_is_linear_on_floods(unit: str) -> None:
    extract_entities("Warm up", "Officials in Astana met.")  # the gazetteer loads once, outside the timing
    times = [_best_time(lambda n=n: extract_entities("News", _worst(unit, n)), rounds=1)  # type: ignore[misc]
             for n in SIZES]
    _assert_linear(times, f"extract_entities on {unit!r}")


def test_bounded_search_finds_what_a_whole_text_search_finds() -> None:
    line = "The Almaty, Aktobe and Atyrau regions signed a deal with the Tong Jahoni organization. " * 40
    text = f"Title\n\n{line}\n\n{line}"
    rx = re.compile(r"\b[A-Z][a-z]+ (?:regions|organization)\b")
    assert [m.span() for m in find_bounded(rx, text)] == [m.span() for m in rx.finditer(text)]


def test_pieces_cut_long_lines_after_a_sentence_and_cover_the_text() -> None:
    text = "Short title\n\n" + "One sentence ends here. " * 100
    pieces = tokens.line_pieces(text)
    assert all(b - a <= tokens._MAX_PIECE for a, b in pieces)
    assert pieces[0] == (0, len("Short title"))
    # pieces are adjacent (newlines between lines) and every cut inside the long line follows a full stop
    assert all(text[b - 2:b] == ". " for a, b in pieces[2:-1])
    assert "".join(text[a:b] for a, b in pieces) == text.replace("\n", "")


def test_sentence_start_after_a_long_run_of_quotes() -> None:
    toks = tokens.tokenize("He left. " + "“" * 5000 + "Tokayev spoke and “" + "“" * 5000 + "Putin")
    by_text = {t.text: t.sent_start for t in toks}
    assert by_text["Tokayev"] is True  # after "left." and quotes only
    assert by_text["Putin"] is False  # after "and “"
