#!/usr/bin/env python3
"""`make eval`: build a warehouse from every real page in the repository and score it against the hand labels.

    .venv/bin/python tools/evaluate.py [--warehouse PATH] [--no-build] [--misses FIELD ...] [--json PATH]

1. Builds `data/eval/warehouse.duckdb` with the pipeline's own stages from the development corpus
   (data/corpus/pages) and the seed dumps (data/raw), as one raw folder.
2. Scores the labelled pages: data/gold/seeds (the seeds), data/gold/corpus (the corpus labels we were
   given) and data/gold/steppe (labels we wrote ourselves), each source reported on its own and together.
   Every page's own articles are found through raw.page_articles, so a page is scored on what the
   warehouse published for it. The rules of each match are in tools/matching.py (docs/extraction.md).
3. Checks FX against the pages themselves: every ticker quote of a dated page must be in
   marts.fx_daily, and every date whose pages disagree must be flagged `has_conflict`.
4. Reports every metric per page kind (listing, article, old Joomla-era, author, seed) and on two fixed
   halves of the labelled pages (`tune`: the half rules may be tuned on; `holdout`: the half kept
   aside), so an improvement that holds on one half only shows. Misses per field are in the JSON
   (and printed with --misses titles bodies persons ...), for a developer to see what to fix.

Exit code 0; 2 when the warehouse cannot be built or read.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gold import half_of  # noqa: E402
from matching import counts, misses, pair_up, same_figure, same_name, same_person, squash  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
SEEDS = ROOT / "data" / "raw"
GOLD = ROOT / "data" / "gold"
OUT = ROOT / "data" / "eval"
SOURCES = ("seeds", "corpus", "steppe")  # data/gold/<source>/*.json
ENTITY_FIELDS = (("COUNTRY", "countries"), ("PERSON", "persons"), ("ORG", "orgs"), ("PLACE", "places"))
HEADLINE = (
    "titles_f1", "bodies_exact", "truncated_flag", "country_f1", "person_f1", "org_f1", "place_f1",
    "figures_precision", "figures_core_recall", "figures_core_attr_acc",
)


# --- the pages and their labels ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    file: str  # file name in the raw folder
    kind: str  # listing, article, joomla, author, paged, seed
    url: str | None
    date: dt.date | None  # the page date its date line prints (the corpus index, or the seed's label)


def page_kind(url: str) -> str:
    """The kind of page its address shows (the corpus index); used only to break the figures down."""
    if "/our-people/" in url:
        return "author"
    if "/tag/" in url or "/category/" in url:
        return "listing"
    if "index.php" in url or "option=com_content" in url:
        return "joomla"
    if re.search(r"/page/\d+/\?", url):
        return "paged"
    return "article"


def corpus_pages() -> dict[str, Page]:
    pages: dict[str, Page] = {}
    with (CORPUS / "index.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            name = Path(row["file"]).name
            date = dt.datetime.strptime(row["date_line"].strip(), "%d %B %Y").date() if row["date_line"] else None
            pages[name] = Page(name, page_kind(row["url"]), row["url"], date)
    for seed in sorted(SEEDS.glob("*.txt")):
        label = GOLD / "seeds" / f"{seed.stem}.json"
        day = json.loads(label.read_text(encoding="utf-8")).get("dump_date") if label.exists() else None
        pages[seed.name] = Page(seed.name, "seed", None, dt.date.fromisoformat(day) if day else None)
    return pages


def page_path(name: str) -> Path:
    corpus = CORPUS / "pages" / name
    return corpus if corpus.exists() else SEEDS / name


def labels(sources: Iterable[str] = SOURCES) -> list[tuple[str, dict[str, Any]]]:
    """(source, label) for every labelled page, seeds first."""
    out = []
    for source in sources:
        for path in sorted((GOLD / source).glob("*.json")):
            out.append((source, json.loads(path.read_text(encoding="utf-8"))))
    return out


# --- building the warehouse ----------------------------------------------------------------------


def build(warehouse: Path) -> dict[str, Any]:
    """Every page of the corpus and the seeds through the pipeline's stages, into a fresh warehouse."""
    from steppe.config import Settings
    from steppe.pipeline import run_pipeline

    if warehouse.parent.exists():
        shutil.rmtree(warehouse.parent)
    with tempfile.TemporaryDirectory(prefix="steppe-eval-") as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        for page in corpus_pages().values():
            shutil.copyfile(page_path(page.file), raw / page.file)
        settings = Settings(raw_dir=raw, warehouse=warehouse, reports_dir=warehouse.parent / "reports")
        return run_pipeline(settings, settle_seconds=0)


# --- reading what the warehouse published per page ------------------------------------------------


class Warehouse:
    def __init__(self, path: Path) -> None:
        self.con = duckdb.connect(str(path), read_only=True)
        self.articles = {
            aid: (title, body, truncated)
            for aid, title, body, truncated in self.con.execute(
                "select article_id, title, body, is_truncated from marts.articles").fetchall()
        }
        # A file landed under another name (same content) is found by its content.
        self.page_articles: dict[str, list[str]] = defaultdict(list)
        rows = self.con.execute(
            """select d.sha256, a.article_id from raw.page_articles a join raw.dumps d using (dump_id)
               order by d.sha256, a.position"""
        ).fetchall()
        for sha, aid in rows:
            if aid in self.articles and aid not in self.page_articles[sha]:
                self.page_articles[sha].append(aid)
        self.landed = {row[0] for row in self.con.execute("select sha256 from raw.dumps").fetchall()}
        self.refused = {
            name: reason for name, reason in self.con.execute(
                "select file_name, reason from audit.rejected_dumps").fetchall()
        }

    def articles_of(self, file: Path) -> list[str]:
        return self.page_articles.get(hashlib.sha256(file.read_bytes()).hexdigest(), [])

    def holds(self, file: Path) -> bool:
        return hashlib.sha256(file.read_bytes()).hexdigest() in self.landed

    def entities(self, article_id: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {t: [] for t, _ in ENTITY_FIELDS}
        for typ, name, code in self.con.execute(
            """select e.entity_type, e.name, e.country_code from marts.article_entities ae
               join marts.entities e using (entity_id) where ae.article_id = ? order by e.name""",
            [article_id],
        ).fetchall():
            value = code if typ == "COUNTRY" else name
            if typ in out and value and value not in out[typ]:
                out[typ].append(value)
        return out

    def figures(self, article_id: str) -> list[dict[str, Any]]:
        cols = ("figure_text", "value", "unit", "metric", "reporter_country", "partner_country", "period")
        rows = self.con.execute(  # the column names are this function's own constants
            f"select {', '.join(cols)} from marts.trade_figures where article_id = ? and value is not null "  # noqa: S608
            "order by position", [article_id]).fetchall()
        return [dict(zip(cols, row, strict=True)) for row in rows]

    def fx(self, date: dt.date, currency: str) -> list[tuple[Any, ...]]:
        return self.con.execute(
            "select rate, change_pct, has_conflict from marts.fx_daily where rate_date = ? and currency = ?",
            [date, currency]).fetchall()


# --- scoring -------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts that add up across pages; metrics() turns them into the reported figures."""

    title_tp: int = 0
    title_pred: int = 0
    title_gold: int = 0
    articles: int = 0
    body_ok: int = 0
    trunc_ok: int = 0
    entity: dict[str, list[int]] = field(default_factory=lambda: {t: [0, 0, 0] for t, _ in ENTITY_FIELDS})
    fig_tp: int = 0
    fig_pred: int = 0
    fig_gold: int = 0
    core_tp: int = 0
    core_gold: int = 0
    attr_ok: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, dict):
                for key, values in theirs.items():
                    mine[key] = [a + b for a, b in zip(mine[key], values, strict=True)]
            else:
                setattr(self, name, mine + theirs)

    def metrics(self) -> dict[str, Any]:
        titles = counts(self.title_tp, self.title_pred, self.title_gold)
        n = self.articles
        out: dict[str, Any] = {
            "pages_articles": n,
            "titles_f1": titles["f1"],
            "titles": titles,
            "bodies_exact": round(self.body_ok / n, 4) if n else None,
            "truncated_flag": round(self.trunc_ok / n, 4) if n else None,
        }
        for typ, key in ENTITY_FIELDS:
            scored = counts(*self.entity[typ])
            out[f"{typ.lower()}_f1"] = scored["f1"]
            out[key] = scored
        out["figures_precision"] = round(self.fig_tp / self.fig_pred, 4) if self.fig_pred else None
        out["figures_core_recall"] = round(self.core_tp / self.core_gold, 4) if self.core_gold else None
        out["figures_all_recall"] = round(self.fig_tp / self.fig_gold, 4) if self.fig_gold else None
        out["figures_core_attr_acc"] = round(self.attr_ok / self.core_tp, 4) if self.core_tp else None
        out["figures"] = {"matched": self.fig_tp, "predicted": self.fig_pred, "labelled": self.fig_gold,
                          "core_matched": self.core_tp, "core_labelled": self.core_gold}
        return out


def score_page(wh: Warehouse, label: dict[str, Any], missed: dict[str, list[dict[str, Any]]]) -> Tally:
    tally = Tally()
    file = label["file"]
    ids = wh.articles_of(page_path(file))
    by_title = {squash(wh.articles[a][0]): a for a in ids}
    gold_titles = [squash(a["title"]) for a in label["articles"]]
    tally.title_tp = len(set(gold_titles) & set(by_title))
    tally.title_pred, tally.title_gold = len(by_title), len(set(gold_titles))
    for title in gold_titles:
        if title not in by_title:
            missed["titles"].append({"page": file, "missing": title})
    for title in by_title:
        if title not in gold_titles:
            missed["titles"].append({"page": file, "extra": title})

    for article in label["articles"]:
        tally.articles += 1
        article_id = by_title.get(squash(article["title"]))
        where = {"page": file, "title": article["title"][:80]}
        if article_id is None:
            gold_figs = article["trade_figures"]
            tally.fig_gold += len(gold_figs)
            tally.core_gold += sum(1 for f in gold_figs if f["core"])
            for typ, key in ENTITY_FIELDS:
                tally.entity[typ][2] += len(set(article[key]))
            continue
        _, body, truncated = wh.articles[article_id]
        text = squash(body)
        if text.startswith(squash(article["first_words"])) and text.endswith(squash(article["last_words"])):
            tally.body_ok += 1
        else:
            missed["bodies"].append({**where, "want_first": article["first_words"], "want_last": article["last_words"],
                                     "got_first": " ".join(text.split()[:8]), "got_last": " ".join(text.split()[-8:])})
        if bool(truncated) == bool(article["truncated"]):
            tally.trunc_ok += 1
        else:
            missed["truncated"].append({**where, "want": article["truncated"], "got": truncated})
        _score_entities(wh.entities(article_id), article, tally, where, missed)
        _score_figures(wh.figures(article_id), article, tally, where, missed)
    return tally


def _score_entities(found: dict[str, list[str]], article: dict[str, Any], tally: Tally,
                    where: dict[str, Any], missed: dict[str, list[dict[str, Any]]]) -> None:
    aliases = article.get("org_aliases", {})
    matchers = {
        "COUNTRY": lambda p, g: p == g,
        "PERSON": same_person,
        "ORG": lambda p, g: same_name(p, g, aliases.get(g, [])),
        "PLACE": lambda p, g: same_name(p, g),
    }
    for typ, key in ENTITY_FIELDS:
        gold = list(dict.fromkeys(article[key]))
        predicted = found[typ]
        extra, missing = misses(predicted, gold, matchers[typ])
        tally.entity[typ][0] += len(predicted) - len(extra)
        tally.entity[typ][1] += len(predicted)
        tally.entity[typ][2] += len(gold)
        if extra or missing:
            missed[key].append({**where, "missing": missing, "extra": extra})


def _score_figures(found: list[dict[str, Any]], article: dict[str, Any], tally: Tally,
                   where: dict[str, Any], missed: dict[str, list[dict[str, Any]]]) -> None:
    gold = article["trade_figures"]
    tally.fig_pred += len(found)
    tally.fig_gold += len(gold)
    tally.core_gold += sum(1 for f in gold if f["core"])

    def match(p: dict[str, Any], g: dict[str, Any]) -> bool:
        return same_figure(float(p["value"]), p["unit"], float(g["value"]), g["unit"])

    pairs = pair_up(found, gold, match)
    for p, g in pairs:
        if g is None:
            missed["figures"].append({**where, "extra": p["figure_text"], "value": p["value"], "unit": p["unit"]})
            continue
        tally.fig_tp += 1
        if g["core"]:
            tally.core_tp += 1
            right = p["metric"] == g["metric"] and (p["partner_country"] or None) == g["partner"]
            tally.attr_ok += right
            if not right:
                missed["figure_attributes"].append({
                    **where, "figure": g["text"], "want": [g["metric"], g["partner"]],
                    "got": [p["metric"], p["partner_country"]]})
    matched = {id(g) for _, g in pairs if g is not None}
    for g in gold:
        if id(g) not in matched:
            missed["figures"].append({**where, "missing": g["text"], "core": g["core"],
                                      "sentence": g["sentence"][:160]})


# --- FX against the pages themselves -------------------------------------------------------------

_QUOTE = re.compile(r"^\s*\W?\s*([A-Z]{3})/USD = ([0-9.]+) (-?[0-9.]+)%\s*$")


def page_quotes(text: str) -> dict[str, tuple[str, str]]:
    """currency -> (rate, change) as the ticker prints them (first seen)."""
    out: dict[str, tuple[str, str]] = {}
    for line in text.splitlines()[:80]:
        match = _QUOTE.match(line)
        if match and match[1] not in out:
            out[match[1]] = (match[2], match[3])
    return out


def score_fx(wh: Warehouse, pages: Iterable[Page]) -> dict[str, Any]:
    """Each dated page's quotes against fx_daily; dates whose pages disagree must be flagged."""
    by_day: dict[tuple[dt.date, str], set[tuple[str, str]]] = defaultdict(set)
    for page in pages:
        if page.date is None or not wh.holds(page_path(page.file)):
            continue
        for currency, quote in page_quotes(page_path(page.file).read_text(encoding="utf-8")).items():
            by_day[(page.date, currency)].add(quote)
    right, wrong = 0, []
    conflicts_flagged, conflicts = 0, 0
    for (date, currency), quotes in sorted(by_day.items()):
        rows = wh.fx(date, currency)
        conflict = len({_dec(rate) for rate, _ in quotes}) > 1  # fx_daily: different rates printed
        conflicts += conflict
        if len(rows) != 1:
            wrong.append({"date": str(date), "currency": currency, "want": sorted(quotes), "got": rows})
            continue
        rate, change, flagged = rows[0]
        printed = {(_dec(r), _dec(c)) for r, c in quotes}
        if (_dec(str(rate)), _dec(str(change))) in printed and bool(flagged) == conflict:
            right += 1
            conflicts_flagged += conflict
        else:
            wrong.append({"date": str(date), "currency": currency, "want": sorted(quotes),
                          "got": [str(rate), str(change), flagged]})
    return {"fx_exact": round(right / len(by_day), 4) if by_day else None, "quotes": len(by_day),
            "conflicting_days": conflicts, "conflicts_flagged": conflicts_flagged, "misses": wrong}


def _dec(text: str) -> Decimal | str:
    try:
        return Decimal(text).normalize() if Decimal(text) != 0 else Decimal(0)
    except InvalidOperation:
        return text


# --- report ---------------------------------------------------------------------------------------


def evaluate(warehouse: Path, sources: Iterable[str] = SOURCES) -> dict[str, Any]:
    wh = Warehouse(warehouse)
    pages = {name: page for name, page in corpus_pages().items() if wh.holds(page_path(name))}
    groups: dict[str, Tally] = defaultdict(Tally)
    missed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for source, label in labels(sources):
        page = pages.get(label["file"])
        tally = score_page(wh, label, missed)
        for group in ("all", f"source:{source}", f"kind:{page.kind if page else 'other'}",
                      f"half:{half_of(label['file'])}"):
            groups[group].add(tally)
    result: dict[str, Any] = {
        "warehouse": str(warehouse),
        "pages": len(corpus_pages()),
        "pages_landed": len(pages),
        "refused": wh.refused,
        "pages_without_articles": sorted(name for name in pages if not wh.articles_of(page_path(name))),
        "fx": score_fx(wh, pages.values()),
        "metrics": {name: tally.metrics() for name, tally in sorted(groups.items())},
        "misses": missed,
    }
    return result


def print_table(result: dict[str, Any]) -> None:
    metrics = result["metrics"]
    order = ["all"] + sorted(k for k in metrics if k != "all")
    width = max(len(k) for k in order) + 2
    print(f"{'':{width}}" + "".join(f"{h.replace('figures_', 'fig_'):>15}" for h in ("articles", *HEADLINE)))
    for name in order:
        m = metrics[name]
        cells = [m["pages_articles"], *(m[h] for h in HEADLINE)]
        print(f"{name:{width}}" + "".join(f"{'-' if c is None else c:>15}" for c in cells))
    fx = result["fx"]
    print(f"\npages: {result['pages']}  landed: {result['pages_landed']}  refused: {len(result['refused'])}  "
          f"without articles: {len(result['pages_without_articles'])}  "
          f"fx_exact: {fx['fx_exact']} over {fx['quotes']} (date, currency) quotes, "
          f"{fx['conflicts_flagged']}/{fx['conflicting_days']} conflicting days flagged")
    for name, reason in result["refused"].items():
        print(f"  refused {name!r}: {reason}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", type=Path, default=OUT / "warehouse.duckdb")
    parser.add_argument("--no-build", action="store_true", help="score an existing warehouse")
    parser.add_argument("--json", type=Path, default=OUT / "eval.json")
    parser.add_argument("--misses", nargs="*", default=[], help="print the misses of these fields")
    parser.add_argument("--sources", nargs="+", default=list(SOURCES), help="label sets to score (data/gold/<source>)")
    parser.add_argument("--min", nargs="*", default=[], metavar="METRIC=FLOOR",
                        help="exit 1 when a metric of all labelled pages (or fx_exact) is below its floor")
    args = parser.parse_args(argv)
    if not args.no_build:
        try:
            build(args.warehouse)
        except Exception as exc:  # the pipeline's own message says what failed
            print(f"eval: the warehouse could not be built: {exc}", file=sys.stderr)
            return 2
    try:
        result = evaluate(args.warehouse, args.sources)
    except duckdb.Error as exc:
        print(f"eval: cannot read {args.warehouse}: {exc}", file=sys.stderr)
        return 2
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    print_table(result)
    for name in args.misses:
        for item in result["misses"].get(name, []):
            print(f"{name}: {json.dumps(item, ensure_ascii=False, default=str)}")
    print(f"\nJSON: {args.json}")
    return 1 if below_floors(result, args.min) else 0


def below_floors(result: dict[str, Any], floors: list[str]) -> list[str]:
    """The metrics below their floor (METRIC=FLOOR), printed; fx_exact is read from the FX check."""
    metrics = {**result["metrics"]["all"], "fx_exact": result["fx"]["fx_exact"]}
    short = []
    for item in floors:
        name, floor = item.split("=")
        if metrics.get(name) is None or metrics[name] < float(floor):
            short.append(f"{name}={metrics.get(name)} < {floor}")
    for line in short:
        print(f"below floor: {line}")
    return short


if __name__ == "__main__":
    sys.exit(main())
