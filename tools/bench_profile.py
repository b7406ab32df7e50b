#!/usr/bin/env python3
"""Summarise the benchmark's profiles: the hottest functions of each stage.

    make bench ARGS="--sizes 1000 --profile --no-nlp --empty-repeats 0"
    .venv/bin/python tools/bench_profile.py bench/out/profile/n1000/full [--top 15]
    .venv/bin/python tools/bench_profile.py --collapsed pyspy.txt [--match dbt_build]   # py-spy --format raw

For each pyinstrument session (<stage>.pyisession, written by the worker) it prints the stage's
duration and the functions with the most self time and the most total time. pyinstrument follows
only the thread that started it, so dbt's node threads show up as `lock.acquire`; profile dbt with
py-spy (all threads) and pass its collapsed output with --collapsed.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def summarise_session(path: Path, top: int) -> None:
    """pyinstrument's flat views of the session: self time, then total time, per function."""
    from pyinstrument.renderers import ConsoleRenderer
    from pyinstrument.session import Session

    session = Session.load(str(path))
    print(f"\n## {path.stem}: {session.duration:.2f}s ({session.sample_count} samples)")
    for mode in ("self", "total"):
        renderer = ConsoleRenderer(unicode=True, color=False, flat=True, flat_time=mode, show_all=True)
        lines = [ln for ln in renderer.render(session).splitlines() if ln.strip() and ln[:1] in " 0123456789"]
        # pyinstrument's synthetic "[self]" rows lump time by file; the named functions are what to read
        body = [ln for ln in lines if ln.strip()[:1].isdigit() and "[self]" not in ln]
        print(f"   by {mode} time:")
        for line in body[:top]:
            print("   " + line.strip())


def summarise_collapsed(path: Path, match: str | None, top: int) -> None:
    """py-spy `--format raw` output: one `frame;frame;... count` line per distinct stack."""
    self_count: Counter[str] = Counter()
    total_count: Counter[str] = Counter()
    samples = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or (match and match not in stack):
            continue
        n = int(count)
        samples += n
        frames = stack.split(";")
        self_count[frames[-1]] += n
        for frame in set(frames):
            total_count[frame] += n
    print(f"\n## {path.name}{f' (stacks with {match!r})' if match else ''}: {samples} samples")
    print("   self:")
    for frame, n in self_count.most_common(top):
        print(f"   {n / samples * 100:5.1f}%  {frame}")
    print("   total:")
    for frame, n in total_count.most_common(top):
        print(f"   {n / samples * 100:5.1f}%  {frame}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, help="a profile folder with <stage>.pyisession files")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--collapsed", type=Path, help="py-spy raw (collapsed) output")
    ap.add_argument("--match", help="only stacks holding this text (with --collapsed)")
    args = ap.parse_args()
    if args.collapsed:
        summarise_collapsed(args.collapsed, args.match, args.top)
    if args.folder:
        for path in sorted(args.folder.glob("*.pyisession")):
            summarise_session(path, args.top)


if __name__ == "__main__":
    main()
