"""File names as a person may safely see them: in a report, a terminal, a log line.

A file name is chosen by whoever wrote the file, so it is untrusted: an ESC can drive a
terminal, a newline can forge a line of a report, a bidi override can make `gpj.txt` look like
`txt.jpg`. display_name() writes every such character as a visible escape and leaves every
other name exactly as it is.

The escaping is reversible (a backslash is written `\\`), so two different names never look
the same; landing uses the displayed name as the file's name in the warehouse, which also keeps
names that are not valid UTF-8 (Python holds their bytes as lone surrogates) storable.
"""

from __future__ import annotations

import unicodedata

# Characters that reorder text around them (Unicode bidi controls), the byte-order mark and
# zero-width space: invisible, yet they change what a name seems to say.
_INVISIBLE = frozenset("\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
# Control characters (C0, DEL, C1), lone surrogates, line and paragraph separators.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _needs_escape(char: str) -> bool:
    return char in _INVISIBLE or unicodedata.category(char) in _ESCAPED_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display_name(name: str) -> str:
    """name with control, bidi and invisible characters as `\\xNN` / `\\uNNNN`, and `\\` as `\\\\`."""
    if name.isprintable() and "\\" not in name:
        return name  # the common case: nothing to escape
    return "".join("\\\\" if char == "\\" else _escape(char) if _needs_escape(char) else char for char in name)
