"""Words of dates shared by the period rules and the article context: months, years, number words."""

from __future__ import annotations

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
NUMW = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
         "eleven": 11, "twelve": 12}
