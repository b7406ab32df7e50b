"""ReDoS first filter of `make lint`: regexploit on the literal patterns of Python files.

regexploit (2021) predates Python 3.11's possessive quantifiers and atomic groups and crashes on them, yet
they are how this project keeps patterns linear. This runs its analysis with both understood:

- a possessive repeat (`x*+`, `x++`, `x{m,n}+`) never gives back what it took, so it is one way to match,
  not a choice of lengths: it is analysed as at most one occurrence of its body;
- an atomic group `(?>...)` is analysed twice: its content alone (backtracking inside the group, before it
  first matches, can still explode), and, in the pattern around it, as one match whose top-level repeats
  are possessive (once it matched, nothing outside can make it give back characters).

Exit status 1 when a pattern is vulnerable or cannot be analysed, 0 otherwise.
Usage: scan_redos.py PATH... (files or folders; folders are searched for *.py).
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from regexploit.ast.sre import SreOpParser
from regexploit.languages.python_node_visitor import PythonNodeVisitor
from regexploit.output.text import TextOutput
from regexploit.redos import find

POSSESSIVE_REPEAT = re._constants.POSSESSIVE_REPEAT  # type: ignore[attr-defined]

MIN_STARRINESS = 3  # regexploit's own threshold: at least cubic backtracking


REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


class LinearAwareParser(SreOpParser):  # type: ignore[misc]
    """regexploit's parser, plus the two constructs of Python 3.11 that cannot backtrack."""

    def __init__(self) -> None:
        super().__init__()
        self.atomic_contents: list[Any] = []  # each atomic group's content, parsed on its own

    # regexploit dispatches on the opcode name: from_<NAME>
    def from_POSSESSIVE_REPEAT(self, data: tuple[int, Any, list[Any]]) -> Any:
        minimum, _maximum, body = data
        return self.from_MAX_REPEAT((min(minimum, 1), 1, body))

    def from_ATOMIC_GROUP(self, body: list[Any]) -> Any:
        inner = LinearAwareParser()
        self.atomic_contents += [inner.sequence_or_singleton(body), *inner.atomic_contents]
        possessive = [(POSSESSIVE_REPEAT, data) if op.name in REPEATS else (op, data) for op, data in body]
        return self.sequence_or_singleton(possessive)


def python_files(paths: list[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def scan_file(path: Path, output: TextOutput) -> list[str]:
    """Record each vulnerable pattern of `path` in `output`; return the patterns it could not analyse."""
    source = path.read_bytes()
    visitor = PythonNodeVisitor()
    visitor.visit(ast.parse(source, filename=str(path)))
    lines = source.decode("utf-8", errors="replace").splitlines()
    unanalysed = []
    for regex in visitor.patterns:
        parser = LinearAwareParser()
        try:
            parsed = parser.parse_sre(regex.pattern, regex.flags)
        except re.error:
            continue  # a string that is not a regular expression
        output.next()
        try:
            for redos in (r for part in [parsed, *parser.atomic_contents] if part is not None for r in find(part)):
                if redos.starriness >= MIN_STARRINESS:
                    context = lines[regex.lineno - 1].strip() if regex.lineno <= len(lines) else None
                    output.record(redos, regex.pattern, filename=str(path), lineno=regex.lineno, context=context)
        except Exception as error:  # noqa: BLE001 (regexploit's internals: report, never skip silently)
            unanalysed.append(f"{path}:{regex.lineno}: {regex.pattern!r}: {type(error).__name__}: {error}")
    return unanalysed


class CountingOutput(TextOutput):  # type: ignore[misc]
    """regexploit's text report, counting the vulnerable patterns it prints."""

    def __init__(self) -> None:
        super().__init__()
        self.vulnerable = 0

    def record(self, redos: Any, pattern: str, **where: Any) -> None:
        self.vulnerable += self.first_for_regex
        super().record(redos, pattern, **where)


def main(argv: list[str]) -> int:
    output = CountingOutput()
    unanalysed: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=DeprecationWarning)  # sre_parse, used by regexploit
        warnings.simplefilter("ignore", category=FutureWarning)
        for path in python_files(argv[1:]):
            unanalysed += scan_file(path, output)
    for line in unanalysed:
        print(f"Not analysed: {line}")
    print(f"Processed {output.regexes} regexes: {output.vulnerable} vulnerable, {len(unanalysed)} not analysed")
    return 1 if output.vulnerable or unanalysed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
