"""What bench.json reports of the workers' runs: each run summed up, the incremental comparison,
and the issue's targets checked."""

from __future__ import annotations

import statistics
from typing import Any

# The targets (issue 6), checked in the summary.
TARGET_FULL_BUILD_S = 300.0
TARGET_PEAK_MB = 2000.0
TARGET_INCREMENTAL_RATIO = 1.5
TARGET_NLP_RATIO = 3.0


def summarise_run(run: dict[str, Any], input_bytes: int, dumps: int) -> dict[str, Any]:
    """Seconds per stage, throughput and memory of one pipeline run."""
    stages = run["stages"]
    seconds = {name: round(stage["seconds"], 3) for name, stage in stages.items()}
    total = run["seconds"]
    return {
        "seconds_total": round(total, 3),
        "seconds": seconds,
        "share": {k: round(v / total, 3) for k, v in seconds.items()} if total else {},
        "input_mb": round(input_bytes / 1e6, 3),
        "dumps": dumps,
        "throughput": _throughput(run, input_bytes / 1e6, dumps),
        "peak_rss_mb": {name: round(stages[name].get("peak_rss_mb", 0.0), 1) for name in seconds},
        "peak_with_children_mb": {
            name: round(stages[name].get("peak_with_children_mb", 0.0), 1) for name in seconds
        },
        # the memory target counts the whole pipeline: this process and any worker processes it forks
        "peak_rss_mb_max": round(max(run["peak_rss_mb"], run.get("peak_with_children_mb", 0.0)), 1),
        "warehouse_mb": round(run["warehouse_mb"], 2) if run.get("warehouse_mb") else None,
        "dbt_slowest_nodes": stages.get("dbt_build", {}).get("slowest_nodes"),
        "counts": _counts(run["results"]),
        "error": run.get("error"),
    }


def _throughput(run: dict[str, Any], mb: float, dumps: int) -> dict[str, float | None]:
    total = run["seconds"]
    results = run["results"]
    land, parse, extract = (results.get(stage) or {} for stage in ("land", "parse", "extract"))

    def rate(amount: float, stage: str) -> float | None:
        s = run["stages"].get(stage, {}).get("seconds")
        return round(amount / s, 2) if s and amount else None

    return {
        "mb_per_s": round(mb / total, 3) if total else None,
        "dumps_per_s": round(dumps / total, 2) if total else None,
        "land_mb_per_s": rate(mb, "land"),
        "land_dumps_per_s": rate(land.get("landed", 0), "land"),
        "parse_mb_per_s": rate(mb, "parse"),
        "parse_dumps_per_s": rate(parse.get("pages", 0), "parse"),
        "extract_words_per_s": rate(extract.get("words", 0), "extract"),
        "extract_articles_per_s": rate(extract.get("articles", 0), "extract"),
    }


def _counts(results: dict[str, Any]) -> dict[str, Any]:
    land, parse, extract = (results.get(stage) or {} for stage in ("land", "parse", "extract"))
    return {
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
        "dbt": results.get("build"),
        "gx": {k: v for k, v in (results.get("validate") or {}).items() if k != "data_docs"},
        "mart_rows": (results.get("publish") or {}).get("mart_rows"),
    }


def incremental(sizes: dict[str, Any], largest: int) -> dict[str, Any]:
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


def checks(report: dict[str, Any], largest: int, more: dict[str, Any]) -> dict[str, Any]:
    """The targets met or not, more (the hostile set's) among them, and a note when N was small."""
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
    checks.update(more)
    if largest < 10000:
        checks["note"] = f"largest size run was {largest:,}: the targets are stated for 10,000 dumps"
    return checks
