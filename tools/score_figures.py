#!/usr/bin/env python3
"""Dev loop for the trade-figure extractor: run it over the labelled articles and score against the labels.

Each labelled article is cut out of its page with the labels' titles (tools/gold.py). Matching is
the rule of tools/matching.py (the same as `make eval`): per article, greedy on (value within 0.5 %,
unit); precision over all predicted figures, recall over labelled figures marked core (and over
all), and metric + partner accuracy on matched core figures.

    .venv/bin/python tools/score_figures.py [--source seeds corpus steppe] [--half tune|holdout] [-v]

Tune rules on `--half tune` only; `--half holdout` checks that they generalise (tools/gold.py's fixed split).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("steppe") is None:  # not installed: run from the source tree
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from gold import labelled_articles  # noqa: E402
from matching import same_figure  # noqa: E402

from steppe.extraction.figures import extract_trade_figures  # noqa: E402
from steppe.extraction.model import TradeFigure  # noqa: E402


def _match(p: TradeFigure, g: dict[str, Any]) -> bool:
    return same_figure(p.value, p.unit, float(g["value"]), str(g["unit"]))


def score(
    sources: tuple[str, ...] = ("seeds",), verbose: bool = False, half: str | None = None
) -> dict[str, float | None]:
    arts = [(a.gold, a.title, a.body, a.page_date) for a in labelled_articles(sources, half=half)]
    if not arts:
        return {"articles": 0}
    tp = npred = core_tp = core_n = all_n = attr_ok = 0
    extract_trade_figures(arts[0][1], arts[0][2], arts[0][3])  # warm-up: lazy tables are built once
    t0 = time.perf_counter()
    preds_all = [extract_trade_figures(title, body, d) for _, title, body, d in arts]
    elapsed = time.perf_counter() - t0
    for (art, _, _, _), preds in zip(arts, preds_all, strict=True):
        golds = art["trade_figures"]
        npred += len(preds)
        all_n += len(golds)
        core_n += sum(1 for g in golds if g["core"])
        used: set[int] = set()
        for p in preds:
            hit = next((i for i, g in enumerate(golds) if i not in used and _match(p, g)), None)
            if hit is None:
                if verbose:
                    print(f"  FP  {p.figure_text!r} {p.value} {p.unit} {p.metric} | {p.sentence[:110]}")
                continue
            used.add(hit)
            tp += 1
            g = golds[hit]
            if g["core"]:
                core_tp += 1
                ok = p.metric == g["metric"] and (p.partner_country or None) == g["partner"]
                attr_ok += int(ok)
                if verbose and not ok:
                    print(f"  ATTR {p.figure_text!r}: got {p.metric}/{p.partner_country} "
                          f"want {g['metric']}/{g['partner']} | {p.sentence[:100]}")
            if verbose and (p.period != g.get("period")):
                print(f"  period {p.figure_text!r}: got {p.period} want {g.get('period')}")
        if verbose:
            for i, g in enumerate(golds):
                if i not in used:
                    print(f"  MISS {'core' if g['core'] else 'nc'} {g['text']!r} | {g['sentence'][:100]}")
    return {
        "precision": round(tp / npred, 4) if npred else 0.0,
        "core_recall": round(core_tp / core_n, 4) if core_n else None,
        "all_recall": round(tp / all_n, 4) if all_n else 0.0,
        "core_attr_acc": round(attr_ok / core_tp, 4) if core_tp else None,
        "core_gold": core_n,
        "predicted": npred,
        "gold": all_n,
        "articles": len(arts),
        "articles_per_s": round(len(arts) / elapsed, 1) if elapsed else 0.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", nargs="+", default=["seeds", "corpus"], help="label sets (data/gold/<source>)")
    ap.add_argument("--half", choices=["tune", "holdout"], help="only this half of the fixed split (tools/gold.py)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print misses and false positives")
    args = ap.parse_args()
    print(json.dumps(score(tuple(args.source), args.verbose, args.half), indent=1))


if __name__ == "__main__":
    main()
