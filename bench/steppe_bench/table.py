"""The benchmark's tables (rich), from the report that runner.run_bench writes to bench.json."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from steppe_bench.pipeline_calls import STAGE_NAMES

STAGE_LABELS = {
    "prepare": "prepare (copy warehouse)",
    "land": "landing",
    "parse": "parsing",
    "extract": "extraction",
    "dbt_build": "dbt build",
    "gx_validate": "GX validate",
    "publish": "publish",
}


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _n(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _peak_stage(run: dict[str, Any]) -> str:
    peaks = {
        stage: max(mb, run.get("peak_with_children_mb", {}).get(stage, 0.0))
        for stage, mb in run["peak_rss_mb"].items()
    }
    return max(peaks, key=lambda stage: peaks[stage]) if peaks else "—"


def print_report(report: dict[str, Any], console: Console) -> None:
    if report.get("sizes"):
        _print_sizes(report, console)
    if report.get("incremental"):
        _print_incremental(report["incremental"], console)
    if len(report.get("configurations") or {}) > 1 or report.get("meta", {}).get("workers", [0]) != [0]:
        _print_configurations(report, console)
    if report.get("hostile"):
        print_hostile(report["hostile"], console)
    _print_nlp(report, console)
    _print_checks(report, console)


def _print_sizes(report: dict[str, Any], console: Console) -> None:
    sizes = report["sizes"]
    names = list(sizes)

    full = Table(title="Full build of N dumps into an empty warehouse (seconds per stage, warm process)")
    full.add_column("stage")
    for n in names:
        full.add_column(f"N={int(n):,}", justify="right")
    for stage in STAGE_NAMES:
        cells = []
        for n in names:
            f = sizes[n]["full"]
            sec = f["seconds"].get(stage)
            share = f["share"].get(stage)
            cells.append("—" if sec is None else f"{sec:,.2f} ({share * 100:.0f}%)")
        full.add_row(STAGE_LABELS[stage], *cells)
    full.add_section()
    rows: list[tuple[str, Any]] = [
        ("total (s)", lambda f, e: _s(f["seconds_total"])),
        ("input (MB)", lambda f, e: _n(f["input_mb"], 1)),
        ("distinct articles (mean dumps each)",
         lambda f, e: f"{e['input']['distinct_articles']:,} ({e['input']['mean_appearances']:.2f})"),
        ("throughput (MB/s)", lambda f, e: _n(f["throughput"]["mb_per_s"], 3)),
        ("throughput (dumps/s)", lambda f, e: _n(f["throughput"]["dumps_per_s"], 1)),
        ("landing (MB/s)", lambda f, e: _n(f["throughput"]["land_mb_per_s"], 2)),
        ("parsing (MB/s)", lambda f, e: _n(f["throughput"]["parse_mb_per_s"], 2)),
        ("extraction (words/s)", lambda f, e: _n(f["throughput"]["extract_words_per_s"])),
        ("peak memory (MB, RSS; PSS with workers)", lambda f, e: _n(f["peak_rss_mb_max"])),
        ("  in stage", lambda f, e: _peak_stage(f)),
        ("warehouse (MB)", lambda f, e: _n(f["warehouse_mb"], 1)),
        ("warm-up: imports + first run (s)",
         lambda f, e: f"{e['warm_up']['imports_s']:.1f} + {e['warm_up']['first_run_s']:.1f}"),
        ("error", lambda f, e: f["error"] or ""),
    ]
    for label, cell in rows:
        full.add_row(label, *[cell(sizes[n]["full"], sizes[n]) for n in names])
    console.print(full)


def _fan_out_cell(fan_out: dict[str, Any]) -> str:
    """plan/batches/merge seconds and batch count of each fanned-out stage, e.g. "parse 0.1/2.0/0.3 ×4"."""
    return "\n".join(f"{name} {p['plan_s']:.1f}/{p['batches_s']:.1f}/{p['merge_s']:.1f} ×{p['batches']}"
                      for name, p in fan_out.items()) or "—"


def _mb(size: dict[str, Any] | None) -> str:
    if not size:
        return "—"
    parts = [f"{k} {v / 1e6:,.1f}" for k, v in size.items() if k != "total"]
    return f"{size['total'] / 1e6:,.1f}" + ("\n" + "\n".join(parts) if len(parts) > 1 else "")


def _equal_cell(equal: bool | None) -> str:
    return "—" if equal is None else ("yes" if equal else "NO")


def _print_configurations(report: dict[str, Any], console: Console) -> None:
    table = Table(title="Configurations: backend and batch worker processes (full build: seconds, peak RSS "
                        "of the main process and each worker, warehouse on disk; one new dump into it and "
                        "into an empty warehouse)")
    for column in ("config", "N", "total s", "plan/batches/merge s", "main MB", "worker MB",
                   "warehouse MB", "+1 dump s", "+1 empty s", "ratio", "marts =", "error"):
        table.add_column(column, justify="left" if column in {"config", "error"} else "right")
    equal = report.get("marts_equal") or {}
    for label, config in report["configurations"].items():
        for n, row in config["sizes"].items():
            largest = n == str(max(int(k) for k in config["sizes"]))
            table.add_row(
                label, f"{int(n):,}", _s(row["seconds_total"]), _fan_out_cell(row["fan_out"]),
                _n(row["main_peak_rss_mb"]), ", ".join(_n(v) for v in row["worker_peak_rss_mb"].values()) or "—",
                _mb(row["warehouse_bytes"]), _s(row["plus_one_s"]),
                _s(config["empty_s"]) if largest else "", _n(config["incremental_ratio"], 2) if largest else "",
                _equal_cell(equal.get(n)), row["error"] or "",
            )
    console.print(table)
    _print_config_stages(report, console)


def _print_config_stages(report: dict[str, Any], console: Console) -> None:
    """Seconds per stage of every configuration's full build, side by side."""
    columns = [(label, n, row) for label, config in report["configurations"].items()
               for n, row in config["sizes"].items()]
    table = Table(title="Full build, seconds per stage, by configuration")
    table.add_column("stage")
    for label, n, _row in columns:
        table.add_column(f"{label}\nN={int(n):,}", justify="right")
    for stage in STAGE_NAMES:
        table.add_row(STAGE_LABELS[stage], *[_s(row["seconds"].get(stage)) for _l, _n, row in columns])
    console.print(table)


def _print_incremental(inc: dict[str, Any], console: Console) -> None:
    table = Table(title="One new dump (whole pipeline run, warm process, dbt parse cache warm)")
    table.add_column("into")
    table.add_column("total (s)", justify="right")
    for stage in STAGE_NAMES:
        table.add_column(STAGE_LABELS[stage].split(" (")[0], justify="right")
    table.add_column("× empty", justify="right")
    empty = inc.get("empty_s")
    if empty is not None:
        stages = inc.get("empty_stages_s", {})
        runs = ", ".join(f"{s:.1f}" for s in inc.get("empty_runs_s", []))
        table.add_row(
            f"empty warehouse (median of {runs})", _s(empty), *[_s(stages.get(s)) for s in STAGE_NAMES], "1.00"
        )
    for n, entry in (inc.get("into") or {}).items():
        ratio = entry["seconds"] / empty if empty else None
        table.add_row(f"{int(n):,}-dump warehouse", _s(entry["seconds"]),
                      *[_s(entry["stages_s"].get(s)) for s in STAGE_NAMES], _s(ratio))
    console.print(table)


def print_hostile(hostile: dict[str, Any], console: Console) -> None:
    """Seeds + hostile set against the seeds alone: seconds and peak memory per stage, the two ratios."""
    if "skipped" in hostile:
        console.print(f"hostile comparison skipped: {hostile['skipped']}")
        return
    seeds, both = hostile["seeds"], hostile["seeds_hostile"]
    table = Table(title="Seeds + hostile set vs seeds alone (full run, warm process; seconds, peak MB)")
    for column in ("stage", "seeds (s)", "+ hostile (s)", "extra (s)", "share of extra",
                   "seeds peak (MB)", "+ hostile peak (MB)"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in STAGE_NAMES:
        row = hostile["stages"].get(stage)
        if row is None:
            continue
        share = row["share_of_extra"]
        table.add_row(STAGE_LABELS[stage], _s(row["seeds_s"]), _s(row["seeds_hostile_s"]), _s(row["extra_s"]),
                      "—" if share is None else f"{share * 100:.0f}%", _n(row["seeds_peak_mb"]),
                      _n(row["seeds_hostile_peak_mb"]))
    table.add_section()
    targets = hostile.get("targets", {})
    table.add_row("total", _s(seeds["seconds_total"]), _s(both["seconds_total"]),
                  _s(both["seconds_total"] - seeds["seconds_total"]), "", _n(seeds["peak_rss_mb_max"]),
                  _n(both["peak_rss_mb_max"]))
    table.add_row(f"ratio (target ≤ {targets.get('time_ratio', 2.0)}× time, ≤ {targets.get('memory_ratio', 1.5)}× "
                  "memory)", "", f"{_s(hostile['time_ratio'])}×", "", "", "", f"{_s(hostile['memory_ratio'])}×")
    table.add_row("input (files, MB)", f"{seeds['input_files']}, {seeds['input_mb']:.2f}",
                  f"{both['input_files']}, {both['input_mb']:.2f}", "", "", "", "")
    if hostile.get("repeats", 1) > 1:
        table.add_row("runs (s)", ", ".join(f"{s:.1f}" for s in seeds["runs_s"]),
                      ", ".join(f"{s:.1f}" for s in both["runs_s"]), "", "", "", "")
    console.print(table)
    outcomes = both.get("outcomes") or {}
    if outcomes:
        console.print("hostile run: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in outcomes.items())
                      + f"; load average {hostile.get('load_average_at_start')} → {hostile.get('load_average_at_end')}")
    for name, run in (("seeds", seeds), ("seeds + hostile", both)):
        if run.get("error"):
            console.print(f"[red]{name} run failed:[/red] {escape(str(run['error']))}")


def _print_nlp(report: dict[str, Any], console: Console) -> None:
    nlp = report.get("nlp")
    if nlp:
        t = Table(
            title=f"Extraction vs spaCy on the same {nlp['articles']:,} distinct articles ({nlp['words']:,} words)"
        )
        t.add_column("what")
        t.add_column("seconds", justify="right")
        t.add_column("words/s", justify="right")
        t.add_column("found", justify="right")
        t.add_row("extract_entities", _s(nlp["extract_entities"]["seconds"]),
                  _n(nlp["extract_entities"]["words_per_s"]), f"{nlp['extract_entities']['mentions']:,} entities")
        figures = nlp["extract_trade_figures"]
        t.add_row("extract_trade_figures", _s(figures["seconds"]), _n(figures["words_per_s"]),
                  f"{figures['figures']:,} figures")
        t.add_row("both extractors", _s(nlp["extractors"]["seconds"]), _n(nlp["extractors"]["words_per_s"]), "")
        t.add_row(f"spaCy {nlp['spacy_model']} nlp.pipe (all pipes)", _s(nlp["spacy_all"]["seconds"]),
                  _n(nlp["spacy_all"]["words_per_s"]), f"{nlp['spacy_all']['ents']:,} ents")
        t.add_row("spaCy nlp.pipe (tok2vec + ner only)", _s(nlp["spacy_ner_only"]["seconds"]),
                  _n(nlp["spacy_ner_only"]["words_per_s"]), f"{nlp['spacy_ner_only']['ents']:,} ents")
        t.add_section()
        t.add_row("ratio: both extractors / spaCy all pipes", "", f"{nlp['ratio_extractors_vs_spacy']:.1f}×", "")
        t.add_row("ratio: both extractors / spaCy ner only", "",
                  f"{nlp['ratio_extractors_vs_spacy_ner_only']:.1f}×", "")
        console.print(t)
    accuracy = report.get("entity_accuracy")
    if accuracy:
        console.print("entity accuracy on the gold seeds: " + ", ".join(
            f"{t} F1={m['f1']:.3f}" for t, m in accuracy.items()))


def _print_checks(report: dict[str, Any], console: Console) -> None:
    checks = report.get("checks") or {}
    for name, check in checks.items():
        if isinstance(check, dict):
            mark = "[green]✓[/green]" if check["ok"] else "[red]✗[/red]"
            console.print(f"{mark} {name}: {check['value']} (target {check['target']})")
        else:
            console.print(f"  {check}")
