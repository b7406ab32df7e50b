"""display_name: a file name as a person may safely see it, every unsafe character a visible escape."""

from __future__ import annotations

import pytest

from steppe.display import display_name


@pytest.mark.parametrize(
    "name",
    ["0001.txt", "copy of a.txt", "Ташкент новости 2025.txt", "Café – Almaty (2).txt", "日本.txt", "a'b\"c.txt"],
)
def test_an_ordinary_name_is_shown_as_it_is(name: str) -> None:
    assert display_name(name) == name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("evil\x1b[31mred.txt", "evil\\x1b[31mred.txt"),  # ESC: would drive the terminal
        ("two\nlines.txt", "two\\x0alines.txt"),  # a newline would forge a report line
        ("cr\rtab\t.txt", "cr\\x0dtab\\x09.txt"),
        ("nul\x00bell\x07.txt", "nul\\x00bell\\x07.txt"),
        ("del\x7f.txt", "del\\x7f.txt"),
        ("c1\x85\x9b.txt", "c1\\x85\\x9b.txt"),  # NEL and CSI of the C1 set
        ("gpj\u202etxt.exe", "gpj\\u202etxt.exe"),  # right-to-left override
        ("iso\u2066late\u2069.txt", "iso\\u2066late\\u2069.txt"),
        ("mark\u200f\u200e.txt", "mark\\u200f\\u200e.txt"),
        ("sep\u2028para\u2029.txt", "sep\\u2028para\\u2029.txt"),
        ("bom\ufeffzw\u200b.txt", "bom\\ufeffzw\\u200b.txt"),
        ("bytes\udcff.txt", "bytes\\udcff.txt"),  # a byte that is not UTF-8, as os.listdir holds it
        ("back\\slash.txt", "back\\slash.txt"),  # shown as it is: display_name is idempotent
    ],
)
def test_control_bidi_and_invisible_characters_are_escaped(name: str, shown: str) -> None:
    assert display_name(name) == shown


def test_a_shown_name_holds_no_unsafe_character_and_can_be_encoded() -> None:
    nasty = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u202e\u2066\ud800\udcfe"
    shown = display_name(nasty)
    assert shown.isprintable()
    shown.encode("utf-8")  # storable and printable anywhere: no lone surrogate is left


def test_a_control_character_and_an_undecodable_byte_are_shown_apart() -> None:
    # Idempotent rather than reversible: a name that already reads "a\x1b.txt" is shown as it is.
    pairs = [("b\x85.txt", "b\udc85.txt"), ("a\x1b.txt", "a\x9b.txt")]
    for first, second in pairs:
        assert display_name(first) != display_name(second)
