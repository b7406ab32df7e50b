"""steppe.budget: the time limit put on the work done for one page or one article."""

from __future__ import annotations

import re
import signal
import threading
import time

import pytest

from steppe import budget
from steppe.budget import OverBudget, page_budget_seconds, time_budget
from steppe.parsing import parse_page


def test_the_budget_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(budget.BUDGET_ENV, raising=False)
    assert page_budget_seconds() == budget.DEFAULT_PAGE_BUDGET_SECONDS
    monkeypatch.setenv(budget.BUDGET_ENV, "0.25")
    assert page_budget_seconds() == 0.25
    for bad in ("", "soon", "-3", "0"):
        monkeypatch.setenv(budget.BUDGET_ENV, bad)
        assert page_budget_seconds() == budget.DEFAULT_PAGE_BUDGET_SECONDS


def test_check_is_free_outside_a_budget_and_raises_past_its_deadline() -> None:
    budget.check()  # no budget set: nothing happens
    with pytest.raises(OverBudget) as raised, time_budget(0.02):
        time.sleep(0.05)
        budget.check()
    assert raised.value.limit_seconds == 0.02 and "0.02 s" in str(raised.value)
    budget.check()  # the budget ended with its block


def test_a_catastrophic_regex_is_interrupted_by_the_timer() -> None:
    started = time.monotonic()
    with pytest.raises(OverBudget), time_budget(0.2):
        re.match(r"(?:a+)+$", "a" * 40 + "b")  # exponential: would run for ages
    assert time.monotonic() - started < 2


def test_the_timer_is_put_back_as_it_was() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with time_budget(5):
        pass
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_outer_timer_keeps_running_with_what_it_had_left() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_budget(5):
            time.sleep(0.1)
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 0 < remaining <= 0.21
        time.sleep(0.4)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_nested_budget_keeps_the_earlier_deadline() -> None:
    with time_budget(0.05) as outer, time_budget(10) as inner:
        assert inner.expires_at == outer.expires_at


def test_outside_the_main_thread_the_budget_is_cooperative() -> None:
    outcome: list[str] = []

    def work() -> None:
        try:
            with time_budget(0.01):
                time.sleep(0.03)
                budget.check()
        except OverBudget:
            outcome.append("over")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == ["over"]


def test_parsing_checks_the_budget_between_lines() -> None:
    page = "08 December 2025\n\nKazakh Grain Exports Grow\n\n" + "Grain left by rail.\n" * 100_000
    with pytest.raises(OverBudget), time_budget(0.01):
        parse_page(page)
    assert len(parse_page(page).articles) == 1  # the same page parses in full without a budget
