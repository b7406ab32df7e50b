"""A time budget for the work done on one page or one article.

Parsing and extraction run on untrusted text: one hostile page must not stall a run. The work
runs under a Deadline; loops call check() between lines or sentences (cooperative), and in the
main thread a timer signal also interrupts work stuck inside one call (a regular expression,
say), so the limit holds even where no check() is reached. An overrun raises OverBudget, which
the stage records as the page's or article's outcome.
"""

from __future__ import annotations

import contextvars
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from steppe.settings import DEFAULT_PAGE_BUDGET_SECONDS
from steppe.settings import PAGE_BUDGET_ENV as BUDGET_ENV  # noqa: F401  (its name for callers)


class OverBudget(Exception):
    """The work on one page or article ran past its time budget."""

    def __init__(self, limit_seconds: float) -> None:
        super().__init__(f"over the time budget of {limit_seconds:g} s")
        self.limit_seconds = limit_seconds


@dataclass(frozen=True, slots=True)
class Deadline:
    limit_seconds: float
    expires_at: float  # time.monotonic() value

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.expires_at - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.expires_at:
            raise OverBudget(self.limit_seconds)


_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("steppe_deadline", default=None)


def check() -> None:
    """Raise OverBudget if the work under way has run out of time; free when no budget is set."""
    deadline = _current.get()
    if deadline is not None:
        deadline.check()


def page_budget_seconds() -> float:
    """STEPPE_PAGE_BUDGET_SECONDS, or the default when unset or not a positive number (for a script or a
    test without Settings; a run takes Settings.page_budget_seconds)."""
    from steppe.settings import page_budget_from_env

    return page_budget_from_env()


@contextmanager
def time_budget(seconds: float | None = None) -> Iterator[Deadline]:
    """Run the block under a deadline of `seconds` (default: DEFAULT_PAGE_BUDGET_SECONDS).

    Nested budgets keep the earlier expiry. The timer signal is armed only in the main thread of
    a process (signals are delivered there) and put back as it was afterwards.
    """
    limit = DEFAULT_PAGE_BUDGET_SECONDS if seconds is None else seconds
    outer = _current.get()
    deadline = Deadline.after(limit)
    if outer is not None and outer.expires_at < deadline.expires_at:
        deadline = outer
    token = _current.set(deadline)
    try:
        with _alarm(deadline):
            yield deadline
    finally:
        _current.reset(token)


@contextmanager
def _alarm(deadline: Deadline) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise OverBudget(deadline.limit_seconds)

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    armed_at = time.monotonic()
    previous_timer = signal.setitimer(signal.ITIMER_REAL, max(deadline.remaining(), 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler if previous_handler is not None else signal.SIG_DFL)
        if previous_timer[0] > 0:  # an outer timer (Airflow's task timeout, say) keeps what it had left
            left = previous_timer[0] - (time.monotonic() - armed_at)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), previous_timer[1])
