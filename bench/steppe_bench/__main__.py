"""`python -m steppe_bench`, with bench/ on the import path (what `make bench` runs).

    python -m steppe_bench [--sizes 100,1000,10000] [--out bench/out] [--seed 7] [--nlp-articles 300]
                           [--empty-repeats 3] [--profile] [--keep-work] [--no-nlp]
                           [--backend file|ducklake|both] [--workers 0|1|2|0,1,2] [--batch-size 200]
                           [--memory-limit 1GB]
    python -m steppe_bench --generate 500 --to /tmp/dumps     # only write dumps, e.g. for `make run`
    python -m steppe_bench --show bench/out/bench.json        # print the tables of an earlier run
    python -m steppe_bench --hostile-only [--hostile-repeats 3]  # only seeds + hostile set vs seeds alone
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from steppe_bench.configs import parse_backends, parse_workers
from steppe_bench.generator import DEFAULT_SEED, write_dumps
from steppe_bench.options import DEFAULT_OUT, DEFAULT_SIZES, BenchOptions
from steppe_bench.runner import run_bench, run_hostile_only
from steppe_bench.table import print_report


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of sizes: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def _argument(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type from a parser that raises ValueError."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m steppe_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=DEFAULT_SIZES, help="dump counts, e.g. 100,1000,10000")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where bench.json and work files go")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--nlp-articles", type=int, default=300,
                        help="distinct articles for the extractors-vs-spaCy comparison")
    parser.add_argument("--empty-repeats", type=int, default=3,
                        help="runs of one new dump into an empty warehouse (median reported)")
    parser.add_argument("--profile", action="store_true",
                        help="run each stage under pyinstrument (out/profile/nN/...); slows the stages")
    parser.add_argument("--keep-work", action="store_true", help="keep the generated dumps and warehouses")
    parser.add_argument("--no-nlp", action="store_true", help="skip the spaCy comparison")
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile set's comparison")
    parser.add_argument("--hostile-only", action="store_true",
                        help="only the hostile comparison (seeds + hostile set vs seeds alone); "
                             "writes bench_hostile.json")
    parser.add_argument("--hostile-repeats", type=int, default=1,
                        help="runs of each side of the hostile comparison (the median run is reported)")
    parser.add_argument("--backend", type=_argument(parse_backends), default=("file",),
                        help="file, ducklake (a fresh PostgreSQL catalog on 127.0.0.1:5432 per run) or both")
    parser.add_argument("--workers", type=_argument(parse_workers), default=(0,),
                        help="0: stages in one process as `steppe run`; 1, 2: parse/extract batches "
                             "(plan, batches, merge) in that many worker processes; a list runs each, e.g. 1,2")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="STEPPE_BATCH_SIZE of the fanned-out runs (default: steppe's)")
    parser.add_argument("--memory-limit", default="",
                        help="STEPPE_DUCKDB_MEMORY_LIMIT of every run, e.g. 1GB (default: none, DuckDB's own)")
    parser.add_argument("--generate", type=int, metavar="N", help="only write N dumps (to --to) and stop")
    parser.add_argument("--to", type=Path, help="folder for --generate")
    parser.add_argument("--show", type=Path, metavar="JSON", help="print the tables of an earlier bench.json")
    args = parser.parse_args(argv)
    console = Console(width=None if Console().is_terminal else 150)

    if args.show:
        print_report(json.loads(args.show.read_text()), console)
        return
    if args.generate is not None:
        if args.to is None:
            parser.error("--generate needs --to FOLDER")
        console.print(write_dumps(args.to, args.generate, seed=args.seed).as_dict())
        return
    options = BenchOptions(
        sizes=args.sizes, out=args.out.resolve(), seed=args.seed, nlp_articles=args.nlp_articles,
        empty_repeats=args.empty_repeats, profile=args.profile, keep_work=args.keep_work, nlp=not args.no_nlp,
        hostile=not args.no_hostile, hostile_repeats=max(1, args.hostile_repeats),
        backends=args.backend, workers=args.workers,
        batch_size=max(1, args.batch_size) if args.batch_size else None,
        memory_limit=args.memory_limit,
    )
    if args.hostile_only:
        report = run_hostile_only(options, console)
        print_report(report, console)
        console.print(f"JSON: {options.out / 'bench_hostile.json'}")
        return
    report = run_bench(options, console)
    print_report(report, console)
    console.print(f"JSON: {options.out / 'bench.json'}")
    if not all((report.get("marts_equal") or {}).values()):
        sys.exit("the configurations published marts of different row counts (bench.json: marts_equal)")


if __name__ == "__main__":
    main()
