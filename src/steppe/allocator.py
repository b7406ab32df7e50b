"""DuckDB gives the memory it frees back to the operating system at once.

DuckDB's Linux builds allocate through their own jemalloc, configured to keep freed pages for about a
second (dirty_decay_ms and muzzy_decay_ms 1000) before returning them. A query that spills under
memory_limit frees and allocates hundreds of megabytes a second, so the process held up to 400 MB
beyond the limit, and the more data, the more it held. Measured on `dbt build --full-refresh` under
512MB, peak RSS of the process: 100,000 dumps 1,061 -> 763 MB, 10,000 dumps 761 -> 725 MB (README,
Performance). The setting is process-wide and can be changed at any time through jemalloc's `mallctl`,
which the DuckDB library exports under its prefix; a build without it (macOS, Windows) is left as it is.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache

DECAY_MS = 0  # freed pages go back to the OS when freed, not a second later
_DECAYS = ("dirty_decay_ms", "muzzy_decay_ms")
Mallctl = Callable[..., int]


@cache
def return_freed_memory_at_once() -> bool:
    """Make this process's DuckDB return freed memory at once; whether its allocator could be told."""
    return set_decay(DECAY_MS)


def set_decay(decay_ms: int, library: str | None = None) -> bool:
    """Set jemalloc's dirty and muzzy decay in the `library` that exports `duckdb_je_mallctl` (None: DuckDB's
    own): the default of arenas made from now on and each arena made already. False when the library has
    no such allocator, or it refuses the default."""
    mallctl = _mallctl(library)
    if mallctl is None:
        return False
    value = ctypes.c_ssize_t(decay_ms)
    ok = all(_write(mallctl, f"arenas.{decay}", value) for decay in _DECAYS)
    for arena in range(_read(mallctl, "arenas.narenas", ctypes.c_uint) or 0):
        for decay in _DECAYS:  # refused for an arena not made yet: it will take the default above
            _write(mallctl, f"arena.{arena}.{decay}", value)
    return ok


def decay_ms(library: str | None = None, arena: int | None = None) -> tuple[int | None, int | None]:
    """(dirty, muzzy) decay in ms of one arena, or the default for new arenas when `arena` is None, in
    `library` (None: DuckDB's own)."""
    mallctl = _mallctl(library)
    if mallctl is None:
        return None, None
    prefix = "arenas" if arena is None else f"arena.{arena}"
    dirty, muzzy = (_read(mallctl, f"{prefix}.{decay}", ctypes.c_ssize_t) for decay in _DECAYS)
    return dirty, muzzy


def _duckdb_library() -> str:
    import _duckdb  # the DuckDB library itself, whose allocator is the one configured

    return str(_duckdb.__file__)


def _mallctl(library: str | None) -> Mallctl | None:
    """The library's jemalloc control (None: DuckDB's own library); None when it has none."""
    try:
        mallctl = ctypes.CDLL(library or _duckdb_library()).duckdb_je_mallctl
    except (OSError, AttributeError):
        return None
    mallctl.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    mallctl.restype = ctypes.c_int
    return mallctl


def _write(mallctl: Mallctl, name: str, value: ctypes.c_ssize_t) -> bool:
    return mallctl(name.encode(), None, None, ctypes.byref(value), ctypes.sizeof(value)) == 0


def _read(mallctl: Mallctl, name: str, ctype: type[ctypes.c_uint] | type[ctypes.c_ssize_t]) -> int | None:
    value = ctype()
    size = ctypes.c_size_t(ctypes.sizeof(value))
    return int(value.value) if mallctl(name.encode(), ctypes.byref(value), ctypes.byref(size), None, 0) == 0 else None
