"""Memory of the benchmark's worker process: its resident set size, and with its forked children
(the extraction worker pool) their proportional set size, sampled by a thread (RssSampler)."""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _children() -> list[int]:
    """Pids of this process's children (worker pools of the stages), from /proc."""
    pids: list[int] = []
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/children") as handle:
                pids += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return pids


def _pss(pid: int | str) -> int:
    """Proportional set size: shared pages divided among the processes sharing them (fork)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def memory_bytes() -> tuple[int, int]:
    """(RSS of this process, memory of this process and its children).

    Without children the second is the RSS too. With children (a forked worker pool) it is the
    sum of their proportional set sizes, so pages shared after fork count once, not per process.
    """
    own = rss_bytes()
    children = _children()
    if not children:
        return own, own
    return own, max(own, _pss("self") + sum(_pss(pid) for pid in children))


# PSS is costly to read: the kernel walks every page of the process (20 ms for a 1.5 GB one here). Read
# every 20 ms for this process and its two batch workers, it kept one of the two cores busy and slowed
# every stage it measured. The tree is read again only after TREE_COST_RATIO times its last read's
# time (at most 2 % of a core); this process's own RSS (statm, microseconds) every interval.
TREE_COST_RATIO = 50


class RssSampler:
    """A daemon thread that keeps the highest memory seen since the current window opened:
    this process's RSS every `interval`, and this process with its child processes (PSS, see
    memory_bytes) as often as TREE_COST_RATIO allows."""

    def __init__(self, interval: float = 0.02, *, start: bool = True) -> None:
        self.interval = interval
        self._peak = self._peak_tree = rss_bytes()
        self._next_tree = 0.0  # when the tree may be read again (time.monotonic)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        if start:
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def tick(self, clock: Callable[[], float] = time.monotonic) -> bool:
        """One sample of the thread; whether it read the tree too."""
        started = clock()
        if started < self._next_tree:
            self.sample(tree=False)
            return False
        self.sample()
        self._next_tree = started + TREE_COST_RATIO * (clock() - started)
        return True

    def sample(self, *, tree: bool = True) -> int:
        """This process's RSS now; with tree, also the PSS of this process and its children."""
        own, whole = memory_bytes() if tree else (rss_bytes(), 0)
        with self._lock:
            self._peak = max(self._peak, own)
            self._peak_tree = max(self._peak_tree, whole)
        return own

    @contextmanager
    def window(self) -> Iterator[dict[str, float]]:
        """Yields a dict filled on exit (MB): RSS at start and end, the peak RSS in between, and the
        peak of this process with its children (worker pools)."""
        start = self.sample()
        with self._lock:
            self._peak = self._peak_tree = start
        out: dict[str, float] = {}
        try:
            yield out
        finally:
            end = self.sample()
            with self._lock:
                peak, tree = self._peak, self._peak_tree
            out.update(
                rss_start_mb=start / 1e6,
                rss_end_mb=end / 1e6,
                peak_rss_mb=max(peak, end) / 1e6,
                peak_with_children_mb=max(tree, peak, end) / 1e6,
            )

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (VmHWM) to its RSS now (Linux >= 4.0); False where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def peak_rss_bytes() -> int:
    """This process's peak RSS since start or the last reset_peak_rss (VmHWM); elsewhere ru_maxrss."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
