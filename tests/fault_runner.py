"""`python -m tests.fault_runner <fault> -- <steppe arguments>`: the `steppe` command with one fault
armed (tests/faults.py), for the tests that kill or starve a real `steppe run` process."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] != "--":
        raise SystemExit("usage: python -m tests.fault_runner <fault> -- <steppe arguments>")
    from steppe.cli import app
    from tests.faults import install

    install(argv[0])
    app(argv[2:], prog_name="steppe")


if __name__ == "__main__":
    main(sys.argv[1:])
