"""Showing untrusted names (file names, page-derived text) on a terminal or in a log line.

A file name can hold anything but "/" and NUL: ESC sequences that clear the screen or forge
output, newlines that split one log line in two, bidi overrides that show "txt.exe" as
"exe.txt". display_name() turns every such character into a visible escape so the name is
shown as one line of inert text. (Rich markup is a separate layer: escape with
rich.markup.escape as well before handing a name to rich.)
"""

from __future__ import annotations

import unicodedata

# Bidi controls (embeddings, overrides, isolates and marks, Unicode UAX #9), the byte-order mark and
# zero-width space: invisible, yet they change what a name seems to say. Not all are in Cc.
_BIDI = frozenset("\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
# Line and paragraph separators break a line without being C0/C1 controls.
_BREAKS = frozenset("\u2028\u2029\x85")


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _needs_escape(char: str) -> bool:
    # Cc covers C0 (including ESC, TAB, LF, CR), DEL and C1; Cs are the lone surrogates that
    # os.fsdecode makes of bytes that are not UTF-8 (a terminal cannot encode them).
    return unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI or char in _BREAKS


def display_name(name: str) -> str:
    """name with control characters, DEL, line separators and bidi controls as visible escapes.

    Idempotent (what it returns has nothing left to escape), so a name that landing already
    passed through it can be passed again by whoever prints it.
    """
    if name.isascii() and name.isprintable():  # the common case: nothing in it can need escaping
        return name
    out: list[str] = []
    for char in name:
        if _needs_escape(char):
            out.append(_escaped(char))
        else:
            out.append(char)
    return "".join(out)
