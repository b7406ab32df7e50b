"""The contract of parsed and extracted values, as Python sees it.

Written once, as the `steppe_contract` vars of dbt_project/dbt_project.yml: the dbt models' row
checks read it there (macros/contract.sql), and this module reads the same file for the GX suites,
the tests and any Python code that wants to know what a valid period, unit or code is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml  # dbt's own dependency

from steppe.config import PROJECT_ROOT

DBT_PROJECT_FILE = PROJECT_ROOT / "dbt_project" / "dbt_project.yml"
# A period is a few dozen characters at most: anything longer is not one, and never reaches the regex.
MAX_PERIOD_CHARS = 64


@dataclass(frozen=True, slots=True)
class Contract:
    period_regex: str
    printed_number_regex: str
    kinds: tuple[str, ...]
    quantity_units: tuple[str, ...]
    percent_units: tuple[str, ...]
    ratio_units: tuple[str, ...]
    metrics: tuple[str, ...]
    entity_types: tuple[str, ...]
    quote_currencies: tuple[str, ...]
    currencies: tuple[str, ...]
    countries: tuple[str, ...]
    quarantine_max_share: float
    quarantine_min_rows: int

    def units_of(self, kind: str) -> tuple[str, ...]:
        """The units a figure of that kind may carry (none for an unknown kind)."""
        return {
            "money": self.currencies,
            "quantity": self.quantity_units,
            "percent": self.percent_units,
            "ratio": self.ratio_units,
        }.get(kind, ())

    @property
    def units(self) -> tuple[str, ...]:
        return self.currencies + self.quantity_units + self.percent_units + self.ratio_units

    def is_valid_period(self, period: str | None) -> bool:
        """NULL is a valid period (no period stated); otherwise the spec's forms only."""
        if period is None:
            return True
        return len(period) <= MAX_PERIOD_CHARS and _compiled(self.period_regex).match(period) is not None


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


@cache
def load_contract() -> Contract:
    """The contract as dbt_project.yml declares it."""
    project = yaml.safe_load(DBT_PROJECT_FILE.read_text(encoding="utf-8"))
    raw = project["vars"]["steppe_contract"]
    return Contract(
        period_regex=str(raw["period_regex"]),
        printed_number_regex=str(raw["printed_number_regex"]),
        kinds=_strings(raw["kinds"]),
        quantity_units=_strings(raw["quantity_units"]),
        percent_units=_strings(raw["percent_units"]),
        ratio_units=_strings(raw["ratio_units"]),
        metrics=_strings(raw["metrics"]),
        entity_types=_strings(raw["entity_types"]),
        quote_currencies=_strings(raw["quote_currencies"]),
        currencies=_strings(raw["currencies"]),
        countries=_strings(raw["countries"]),
        quarantine_max_share=float(raw["quarantine"]["max_share"]),
        quarantine_min_rows=int(raw["quarantine"]["min_rows"]),
    )
