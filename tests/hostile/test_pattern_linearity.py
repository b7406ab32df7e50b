"""Every compiled regular expression of the steppe package runs in linear time on hostile text.

The patterns are found, not listed: module attributes of every steppe module, and patterns held
in lists, tuples, sets, dicts or dataclass objects at module level. Each one scans strings built
to make backtracking explode (long runs of what patterns repeat, then a character that fails
them) at 1k and 10k characters, and at 100k when 10k already takes measurable time. A linear
pattern's time grows about tenfold per step; the bound allows 30x plus a small constant. A
pattern stuck on one string is stopped by a timer (steppe.budget) and reported as failing.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

import steppe
from steppe.budget import OverBudget, time_budget

# Modules that never see page text and only import heavy tools (GX).
SKIPPED_MODULES = ("steppe.integrations",)
GROWTH = 30.0  # allowed time ratio per tenfold length
SLACK_SECONDS = 0.003  # timer noise on a shared machine
MEASURABLE_SECONDS = 0.001  # below this at 10k characters, 100k would prove nothing more
# A guard against a probe that never ends (a catastrophic pattern), not the linearity test (GROWTH is):
# the seven scans of one probe, up to 100k characters. A linear pattern with a 60-character lazy
# window (figures.spans._VALUE_LINK) takes 0.48 s per 100k scan here, 1.03 s for the probe.
STUCK_SECONDS = 3.0

# Runs of what patterns repeat, each ended by a character that fails most of them.
UNITS = (
    "1 ", "1,2", "2017 ", "Aaa ", "AAA ", "A-", "A.", "a ", " ", "\u00a0", ".", "“", "'s ", "(", "Aa-Aa of the ",
    "[caption ", "ab.",
)
ENDINGS = ("!", "a")


def _steppe_modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(steppe.__path__, prefix="steppe."):
        if info.name.startswith(SKIPPED_MODULES):
            continue
        yield importlib.import_module(info.name)


def _patterns_in(value: object, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield value
        return
    if depth >= 3:
        return
    items: list[object] = []
    if isinstance(value, dict):
        items = list(value.values())
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [getattr(value, f.name) for f in dataclasses.fields(value)]
    for item in items:
        yield from _patterns_in(item, depth + 1)


def _cached_result(value: object) -> object:
    """A functools.cache'd function of no arguments that has run holds its patterns in its result."""
    info = getattr(value, "cache_info", None)
    if callable(value) and info is not None and info().currsize > 0:
        try:
            return value()
        except TypeError:  # it takes arguments: its results are not module-level patterns
            return None
    return value


def all_patterns() -> dict[str, re.Pattern[str]]:
    _warm_lazy_patterns()
    found: dict[str, re.Pattern[str]] = {}
    for module in _steppe_modules():
        for attribute, value in vars(module).items():
            if isinstance(value, ModuleType) or attribute.startswith("__"):
                continue
            value = _cached_result(value)
            for n, pattern in enumerate(_patterns_in(value)):
                found.setdefault(f"{module.__name__}.{attribute}[{n}]", pattern)
    unique: dict[str, re.Pattern[str]] = {}
    seen: set[tuple[str, int]] = set()
    for name, pattern in sorted(found.items()):
        if (pattern.pattern, pattern.flags) not in seen:
            seen.add((pattern.pattern, pattern.flags))
            unique[name] = pattern
    return unique


def _warm_lazy_patterns() -> None:
    """Some modules build their patterns on first use: use them once so they are there to find."""
    from steppe.extraction.entities import extract_entities
    from steppe.extraction.figures import extract_trade_figures
    from steppe.parsing import parse_page, warm_up

    warm_up()
    parse_page("Kazakhstan Exports Grain\n\nKazakhstan exported $1 billion of grain to China in 2024.\n")
    extract_entities("Warm-up", "Kazakhstan exported $1 billion of grain to China in 2024.")
    extract_trade_figures("Warm-up", "Kazakhstan exported 1.2 million tons of grain to China in 2024.", None)


PATTERNS = all_patterns()


def _seconds(scan: Callable[[], object], repeats: int) -> float:
    """CPU time, best of a few: other processes sharing the machine do not count."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        scan()
        best = min(best, time.process_time() - start)
    return best


def _scan(pattern: re.Pattern[str], text: str) -> Callable[[], object]:
    return lambda: sum(1 for _ in pattern.finditer(text))


def superlinear_inputs(pattern: re.Pattern[str], *, first_only: bool = True) -> list[str]:
    """Descriptions of the hostile strings on which the pattern's time grows faster than linearly
    (the first one only, by default: one proves the point and keeps the test quick)."""
    failures: list[str] = []
    for unit in UNITS:
        for ending in ENDINGS:
            sizes = {n: unit * (n // len(unit)) + ending for n in (1_000, 10_000, 100_000)}
            try:
                with time_budget(STUCK_SECONDS):
                    small = _seconds(_scan(pattern, sizes[1_000]), 3)
                    medium = _seconds(_scan(pattern, sizes[10_000]), 2)
                    large = _seconds(_scan(pattern, sizes[100_000]), 2) if medium > MEASURABLE_SECONDS else 0.0
            except OverBudget:
                failures.append(f"{unit!r}*n+{ending!r}: over {STUCK_SECONDS:g} s")
            else:
                if medium > GROWTH * small + SLACK_SECONDS or large > GROWTH * medium + SLACK_SECONDS:
                    failures.append(f"{unit!r}*n+{ending!r}: {small:.4f}s, {medium:.4f}s, {large:.4f}s at 1k, 10k, 100k")
            if failures and first_only:
                return failures
    return failures


def test_the_patterns_are_found() -> None:
    names = " ".join(PATTERNS)
    assert len(PATTERNS) >= 50
    for module in ("steppe.parsing.articles", "steppe.parsing.header", "steppe.extraction.figures",
                   "steppe.extraction.entities"):
        assert module + "." in names


def test_the_probe_catches_a_catastrophic_pattern() -> None:
    assert superlinear_inputs(re.compile(r"^(?:\d+\s*)+x$"))  # the old pagination pattern
    assert superlinear_inputs(re.compile(r"\s*\s*x"))  # quadratic: overlapping runs
    assert not superlinear_inputs(re.compile(r"^(?:\d++\s*+)++x$"))


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_hostile_text(name: str) -> None:
    failures = superlinear_inputs(PATTERNS[name])
    assert not failures, f"{name} = {PATTERNS[name].pattern[:200]!r}: " + "; ".join(failures[:3])
