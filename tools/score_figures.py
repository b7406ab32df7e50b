#!/usr/bin/env python3
"""Dev loop for the trade-figure extractor: run it over the seed dumps and score against gold.

Articles are segmented with the gold titles (each title line found in the dump; body = the
non-blank lines up to the next gold title, joined by blank lines). Matching is the same as
shared/tools/score.py: per article, greedy on (value within 0.5%, unit); precision over all
predicted figures, recall over gold figures marked core (and over all), and metric + partner
accuracy on matched core figures.

    .venv/bin/python tools/score_figures.py [--shared ../shared] [-v]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("steppe") is None:  # not installed: run from the source tree
    sys.path.insert(0, str(ROOT / "src"))

from steppe.extraction.figures import extract_trade_figures  # noqa: E402
from steppe.extraction.model import TradeFigure  # noqa: E402


def _norm(s: str) -> str:
    return " ".join(s.replace("\u00a0", " ").split())


def seed_articles(shared: Path) -> list[tuple[dict[str, Any], str, str, dt.date | None]]:
    """(gold article, title, body, page date) for every gold article of every seed dump."""
    out: list[tuple[dict[str, Any], str, str, dt.date | None]] = []
    for gold_path in sorted((shared / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        lines = (shared / "seeds" / f"{gold_path.stem}.txt").read_text(encoding="utf-8").splitlines()
        titles = [_norm(a["title"]) for a in gold["articles"]]
        pos: list[int] = []
        for t in titles:
            start = pos[-1] + 1 if pos else 0
            idx = next(i for i in range(start, len(lines)) if _norm(lines[i]) == t)
            pos.append(idx)
        page_date = dt.date.fromisoformat(gold["dump_date"]) if gold.get("dump_date") else None
        for k, art in enumerate(gold["articles"]):
            end = pos[k + 1] if k + 1 < len(pos) else len(lines)
            body_lines = [ln for ln in lines[pos[k] + 1 : end] if ln.replace("\u00a0", " ").strip()]
            out.append((art, lines[pos[k]].strip(), "\n\n".join(body_lines), page_date))
    return out


def _match(p: TradeFigure, g: dict[str, Any]) -> bool:
    if p.unit.lower() != str(g["unit"]).lower():
        return False
    gv = float(g["value"])
    return p.value == 0 if gv == 0 else abs(p.value - gv) / abs(gv) <= 0.005


def score(shared: Path, verbose: bool = False) -> dict[str, float]:
    arts = seed_articles(shared)
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
        "core_recall": round(core_tp / core_n, 4) if core_n else 0.0,
        "all_recall": round(tp / all_n, 4) if all_n else 0.0,
        "core_attr_acc": round(attr_ok / core_tp, 4) if core_tp else 0.0,
        "predicted": npred,
        "gold": all_n,
        "articles": len(arts),
        "articles_per_s": round(len(arts) / elapsed, 1) if elapsed else 0.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("-v", "--verbose", action="store_true", help="print misses and false positives")
    args = ap.parse_args()
    print(json.dumps(score(args.shared, args.verbose), indent=1))


if __name__ == "__main__":
    main()
