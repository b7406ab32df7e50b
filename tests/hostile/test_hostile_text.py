"""Random and adversarial page text through the parser and the extractors, under a time bound per KB.

Hypothesis draws pages made of random lines and of long runs of what patterns repeat (digits and
spaces, capitalised words, "A-A-A", quotes, dots, ...). Each call must finish within a generous
bound that grows linearly with the text; a call stuck past it is interrupted (steppe.budget) and
fails the property.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from steppe.budget import OverBudget, time_budget
from steppe.parsing import parse_page

BASE_SECONDS = 0.5
SECONDS_PER_KB = 0.02  # at least 50 KB/s, a hundredth of what the seeds run at

RUNS = (
    "1 ", "2017 ", "1,000,", "Aaa ", "AAA ", "A-", "A.", "a ", " ", "\u00a0", ".", "“", "\"", "'s ", "(", "-",
    "Kazakhstan ", "of the ", "$1 ", "[caption ", "• ", "KZT/USD = ",
)
ALPHABET = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs"), include_characters="\n\u00a0\u2019\u201c\u201d—–•"
)
random_line = st.text(ALPHABET, max_size=300)
adversarial_run = st.builds(
    lambda unit, count, tail: unit * count + tail,
    st.sampled_from(RUNS),
    st.integers(min_value=200, max_value=4000),
    st.sampled_from(("", "!", "x", ".", "\n")),
)
# Many short lines: per-line work must not look back over the page (it once did, quadratically).
many_lines = st.builds(
    lambda line, count: (line + "\n") * count, st.text(ALPHABET, min_size=1, max_size=40), st.integers(500, 5000)
)
hostile_page = st.lists(st.one_of(random_line, adversarial_run, many_lines), min_size=1, max_size=6).map(
    "\n\n".join
)

HOSTILE = settings(
    max_examples=25, deadline=None, derandomize=True, report_multiple_bugs=False,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # no shrinking: each try of a slow case costs seconds
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def within_bound(work: Callable[[], object], text: str) -> None:
    limit = BASE_SECONDS + SECONDS_PER_KB * len(text.encode()) / 1024
    try:
        with time_budget(limit):
            work()
    except OverBudget:
        raise AssertionError(f"over {limit:.2f} s on {len(text)} characters starting {text[:80]!r}") from None


@HOSTILE
@given(hostile_page)
def test_parse_page_is_bounded_and_well_formed(text: str) -> None:
    within_bound(lambda: parse_page(text), text)
    for article in parse_page(text).articles:
        assert article.title and article.title == article.title.strip()
        assert article.paragraphs and article.body.strip()


@HOSTILE
@given(hostile_page)
def test_entity_extraction_is_bounded(text: str) -> None:
    from steppe.extraction.entities import extract_entities

    extract_entities("Warm-up", "Kazakhstan and China.")  # the gazetteers load outside the bound
    within_bound(lambda: extract_entities("Hostile Page", text), text)


@HOSTILE
@given(hostile_page)
def test_trade_figure_extraction_is_bounded(text: str) -> None:
    from steppe.extraction.figures import extract_trade_figures

    extract_trade_figures("Warm-up", "Kazakhstan exported $1 billion of grain.", None)
    within_bound(lambda: extract_trade_figures("Hostile Page", text, None), text)
