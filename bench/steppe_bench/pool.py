"""The generator's dumps for all sizes, written once: each size's raw folder links the first N."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steppe_bench.generator import DumpGenerator, GeneratedArticle, GeneratedDump, GenerationReport, write_dumps


@dataclass(slots=True)
class DumpPool:
    """The generator's first max(N)+1 dumps, written once; each size links the first N."""

    folder: Path
    files: list[Path]
    sizes: list[int]  # bytes per file
    first_seen: dict[int, dt.date]  # article index -> first page date
    dump_articles: list[tuple[int, ...]]  # article indices of each dump
    articles: dict[int, GeneratedArticle]  # the first `retain` articles (the spaCy comparison's)
    words: dict[int, int]  # words of every article
    seconds: float


def generate_pool(folder: Path, count: int, seed: int, retain: int = 1000) -> DumpPool:
    """Streams: each dump is written as it is made, and only the first `retain` articles stay in memory."""
    started = time.perf_counter()
    gen = DumpGenerator(seed, retain=retain)
    pool = DumpPool(folder, [], [], {}, [], gen.articles, {}, 0.0)

    def keep(dump: GeneratedDump, path: Path, size: int) -> None:
        pool.files.append(path)
        pool.sizes.append(size)
        pool.dump_articles.append(dump.article_ids)
        for i in dump.article_ids:
            if i not in pool.first_seen:
                pool.first_seen[i] = dump.page_date
                pool.words[i] = gen.article(i).words

    write_dumps(folder, count, generator=gen, on_dump=keep)
    pool.seconds = time.perf_counter() - started
    return pool


# What size_folder reports of a size's input (GenerationReport.as_dict's, in bench.json's order).
_INPUT_KEYS = ("dumps", "bytes", "mb", "kb_per_dump", "distinct_articles", "article_words", "mean_appearances")


def size_folder(pool: DumpPool, folder: Path, n: int) -> dict[str, Any]:
    """A raw folder with the pool's first n dumps (hard links where possible), and what it holds."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for path in pool.files[:n]:
        try:
            os.link(path, folder / path.name)
        except OSError:
            shutil.copy2(path, folder / path.name)
    report = GenerationReport.of(
        folder, pool.sizes[:n], pool.dump_articles[:n], pool.words.__getitem__, 0.0
    ).as_dict()
    return {key: report[key] for key in _INPUT_KEYS}


def pool_report(pool: DumpPool) -> dict[str, Any]:
    """bench.json's "generator": what was generated for all sizes, and how long it took."""
    total_bytes = sum(pool.sizes)
    return {
        "dumps": len(pool.files),
        "seconds": round(pool.seconds, 2),
        "mb": round(total_bytes / 1e6, 2),
        "kb_per_dump": round(total_bytes / 1e3 / len(pool.files), 2),
        "distinct_articles": len(pool.first_seen),
    }
