"""The contract of parsed and extracted values: one definition, read by dbt and Python alike."""

from __future__ import annotations

import re
import time

import pycountry

from steppe.contract import MAX_PERIOD_CHARS, load_contract


def test_periods_of_the_spec_are_valid() -> None:
    contract = load_contract()
    for period in (None, "2024", "2024-05", "2024-05-31", "XXXX-07", "XXXX-03-24", "XXXX-07..XXXX-08",
                   "2024-01..2024-05", "2023..2024", "2024-01..", "2024-Q1", "2024-Q1..2024-Q3"):
        assert contract.is_valid_period(period), period


def test_malformed_periods_are_not() -> None:
    contract = load_contract()
    for period in ("", "24", "2024-13", "2024-00", "2024-02-32", "2024-Q5", "2024..2025..2026", "..2024",
                   "2024-1", "May 2024", "xxxx-07", "2024-05 ", "2024-01…2024-05"):
        assert not contract.is_valid_period(period), period


def test_a_long_value_is_refused_in_linear_time() -> None:
    contract = load_contract()
    hostile = "2024-01" + "..2024-01" * 100_000
    started = time.perf_counter()
    assert not contract.is_valid_period(hostile)
    assert not re.match(contract.period_regex, "2024-01" * 50_000 + "!")
    assert time.perf_counter() - started < 1.0
    assert len("2024-01-01..2024-12-31") < MAX_PERIOD_CHARS


def test_code_lists_are_iso_and_the_spec_s_extra_codes() -> None:
    contract = load_contract()
    assert set(contract.currencies) == {c.alpha_3 for c in pycountry.currencies}
    assert set(contract.countries) == {c.alpha_2 for c in pycountry.countries} | {"XK", "SU"}
    assert "NO" in contract.countries  # Norway, not YAML's false


def test_units_follow_their_kind() -> None:
    contract = load_contract()
    assert set(contract.kinds) == {"money", "quantity", "percent", "ratio"}
    assert "KZT" in contract.units_of("money") and "t" not in contract.units_of("money")
    assert contract.units_of("percent") == ("percent",) and contract.units_of("ratio") == ("fold",)
    assert contract.units_of("parsecs") == ()
    assert {"t", "bcm", "m3", "MW", "kWh", "barrels", "head", "units", "L", "ha", "TEU"} == set(contract.quantity_units)
    assert "other" in contract.metrics and set(contract.entity_types) == {"COUNTRY", "PERSON", "ORG", "PLACE"}
    assert 0 < contract.quarantine_max_share < 1 and contract.quarantine_min_rows > 0
